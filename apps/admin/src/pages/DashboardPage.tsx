import { Card, Col, Descriptions, Row, Statistic, Typography } from 'antd';
import { ShopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Store } from '@hearth/contracts/stores';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';

export function DashboardPage() {
  const { t } = useTranslation();
  const { session, can } = useSession();
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Card>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {t('dashboard.welcome', { name: session?.operator.name })}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('dashboard.intro', { tenant: session?.tenant.name })}</Typography.Paragraph>
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={t('login.tenant')}>{session?.tenant.slug}</Descriptions.Item>
            <Descriptions.Item label={t('dashboard.timeZone')}>{session?.tenant.time_zone}</Descriptions.Item>
            <Descriptions.Item label={t('dashboard.role')}>{t(`roles.${session?.operator.role}`)}</Descriptions.Item>
          </Descriptions>
        </Card>
      </Col>
      {can('stores:read') && (
        <Col xs={24} md={8}>
          <StoreCount />
        </Col>
      )}
    </Row>
  );
}

function StoreCount() {
  const { t } = useTranslation();
  const stores = useCursorList<Store>('/stores', {}, 200);
  return (
    <Card>
      <Statistic title={t('nav.stores')} value={stores.rows.length} suffix={stores.hasMore ? '+' : undefined} prefix={<ShopOutlined />} loading={stores.loading} />
    </Card>
  );
}
