import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { FireFilled, GlobalOutlined, LockOutlined, MailOutlined, ShopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { LoginRequest, SessionInfo } from '@hearth/contracts/auth';
import { api, ApiError } from '../api.ts';
import { useSession } from '../session.tsx';

export function LoginPage({ onSwitchLanguage }: { onSwitchLanguage: () => void }) {
  const { t } = useTranslation();
  const { setSession } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (values: LoginRequest) => {
    setSubmitting(true);
    setError(null);
    try {
      setSession(await api<SessionInfo>('/auth/login', { method: 'POST', body: values }));
      navigate('/', { replace: true });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(135deg, #fff7ed 0%, #fed7aa 100%)' }}>
      <Button type="text" icon={<GlobalOutlined />} onClick={onSwitchLanguage} style={{ position: 'absolute', top: 16, right: 16 }} data-testid="language-switch">
        {t('common.language')}
      </Button>
      <Card style={{ width: 380, boxShadow: '0 12px 40px rgba(194,65,12,0.15)' }}>
        <div style={{ textAlign: 'center', marginBottom: 24 }}>
          <FireFilled style={{ fontSize: 40, color: '#c2410c' }} />
          <Typography.Title level={3} style={{ margin: '8px 0 4px' }}>
            {t('app.name')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
        </div>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form<LoginRequest> layout="vertical" initialValues={{ tenant: 'demo' }} onFinish={submit} requiredMark={false}>
          <Form.Item name="tenant" label={t('login.tenant')} rules={[{ required: true, message: t('login.tenantRequired') }]}>
            <Input prefix={<ShopOutlined />} data-testid="login-tenant" />
          </Form.Item>
          <Form.Item name="email" label={t('login.email')} rules={[{ required: true, type: 'email', message: t('login.emailRequired') }]}>
            <Input prefix={<MailOutlined />} autoComplete="username" data-testid="login-email" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={submitting} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
