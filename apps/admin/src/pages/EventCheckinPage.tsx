import { useRef, useState } from 'react';
import { Alert, Button, Card, Descriptions, Input, Result, Space, Typography, type InputRef } from 'antd';
import { ScanOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { eventErrorText } from './event-shared.ts';

interface Checkin {
  registration_id: string;
  event_title: string;
  member_no: string;
  checked_in_at: string;
}

/**
 * 签到 at the door: a barcode scanner types the QR's content and presses Enter into the focused field, or
 * staff type the code printed under it. A ticket checks in once; a second scan says when it already did.
 */
export function EventCheckinPage() {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [done, setDone] = useState<Checkin | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<InputRef>(null);
  const submit = async () => {
    if (!code.trim()) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await api<Checkin>('/events/checkins', { method: 'POST', body: { code } }));
      setCode('');
    } catch (e) {
      setError(eventErrorText(t, e));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };
  return (
    <Card title={t('events.checkin.title')} data-testid="event-checkin" style={{ maxWidth: 640 }}>
      <Typography.Paragraph type="secondary">{t('events.checkin.hint')}</Typography.Paragraph>
      <Space.Compact block>
        <Input ref={input} autoFocus size="large" prefix={<ScanOutlined />} placeholder={t('events.checkin.code')} value={code} onChange={(e) => setCode(e.target.value)} onPressEnter={() => void submit()} data-testid="checkin-code" />
        <Button size="large" type="primary" loading={busy} onClick={() => void submit()} data-testid="checkin-submit">{t('events.checkin.submit')}</Button>
      </Space.Compact>
      {error && <Alert style={{ marginTop: 16 }} type="error" showIcon title={error} data-testid="checkin-error" />}
      {done && (
        <Result status="success" title={t('events.checkin.ok')} data-testid="checkin-ok">
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('events.checkin.event')}>{done.event_title}</Descriptions.Item>
            <Descriptions.Item label={t('events.checkin.member')}>{done.member_no}</Descriptions.Item>
            <Descriptions.Item label={t('events.checkin.at')}>{formatTime(done.checked_in_at)}</Descriptions.Item>
          </Descriptions>
        </Result>
      )}
    </Card>
  );
}
