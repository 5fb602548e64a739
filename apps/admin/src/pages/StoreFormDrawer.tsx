import { useEffect, useState } from 'react';
import { App, Button, Col, Form, Input, InputNumber, Row, Select, Space, TimePicker } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { storeCreateSchema, storeStatuses, type Store } from '@hearth/contracts/stores';
import { api, ApiError } from '../api.ts';
import { FormDrawer } from '../layout/FormDrawer.tsx';

interface HoursRow {
  weekdays: number[];
  open: Dayjs;
  close: Dayjs;
}
type FormValues = Omit<Store, 'id' | 'created_at' | 'updated_at' | 'opening_hours'> & { opening_hours?: HoursRow[] };

const weekdays = [1, 2, 3, 4, 5, 6, 7];

/** Create (store = 'new') or edit a store; validates with the same schema as the server and shows its field errors too. */
export function StoreFormDrawer({ store, onClose, onSaved }: { store: Store | 'new' | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const isNew = store === 'new';

  useEffect(() => {
    if (!store) return;
    form.resetFields();
    if (store !== 'new') {
      form.setFieldsValue({
        ...store,
        opening_hours: store.opening_hours?.map((h) => ({ weekdays: h.weekdays, open: dayjs(h.open, 'HH:mm'), close: dayjs(h.close, 'HH:mm') })),
      });
    } else {
      form.setFieldsValue({ status: 'active' });
    }
  }, [store, form]);

  // Paths come from zod or from the server's problem+json, both shaped like the form's field names.
  const showFieldErrors = (errors: { path: (string | number)[]; message: string }[]) =>
    form.setFields(errors.map((e) => ({ name: e.path as never, errors: [e.message] })));

  const submit = async () => {
    const values = form.getFieldsValue(true) as FormValues;
    const payload = {
      ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === '' || v === undefined ? null : v])),
      opening_hours: values.opening_hours?.length
        ? values.opening_hours.map((h) => ({ weekdays: h.weekdays ?? [], open: h.open?.format('HH:mm'), close: h.close?.format('HH:mm') }))
        : null,
    };
    const parsed = storeCreateSchema.safeParse(payload);
    if (!parsed.success) {
      showFieldErrors(parsed.error.issues.map((issue) => ({ path: issue.path as (string | number)[], message: issue.message })));
      return;
    }
    setSaving(true);
    try {
      if (isNew) await api('/stores', { method: 'POST', body: parsed.data, idempotent: true });
      else await api(`/stores/${(store as Store).id}`, { method: 'PATCH', body: parsed.data });
      message.success(t('common.saved'));
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) {
        showFieldErrors(error.problem.errors.map((e) => ({ path: e.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: e.message })));
      }
      message.error((error as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <FormDrawer title={isNew ? t('stores.create') : t('stores.edit')} open={store !== null} onClose={onClose} onSave={submit} saving={saving} saveTestId="store-save" size={560}>
      <Form form={form} layout="vertical" requiredMark>
        <Row gutter={16}>
          <Col span={10}>
            <Form.Item name="code" label={t('stores.code')} required>
              <Input data-testid="store-code" maxLength={32} />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item name="name" label={t('stores.name')} required>
              <Input data-testid="store-name" maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="province" label={t('stores.province')}>
              <Input data-testid="store-province" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="city" label={t('stores.city')}>
              <Input data-testid="store-city" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="district" label={t('stores.district')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="address" label={t('stores.address')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="latitude" label={t('stores.latitude')}>
              <InputNumber style={{ width: '100%' }} min={-90} max={90} step={0.0001} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="longitude" label={t('stores.longitude')}>
              <InputNumber style={{ width: '100%' }} min={-180} max={180} step={0.0001} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="status" label={t('common.status')}>
              <Select options={storeStatuses.map((s) => ({ value: s, label: t(`stores.status.${s}`) }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="geofence_radius_m" label={t('stores.geofenceRadius')} tooltip={t('stores.geofenceHint')}>
              <InputNumber style={{ width: '100%' }} min={20} max={5000} step={50} placeholder={t('stores.geofenceDefault')} />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="phone" label={t('stores.phone')}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Form.List name="opening_hours">
          {(fields, { add, remove }) => (
            <Form.Item label={t('stores.openingHours')}>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" style={{ display: 'flex', marginBottom: 8 }}>
                  <Form.Item name={[field.name, 'weekdays']} noStyle>
                    <Select mode="multiple" style={{ width: 240 }} placeholder={t('stores.weekdays')} options={weekdays.map((d) => ({ value: d, label: t(`stores.weekday.${d}`) }))} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'open']} noStyle>
                    <TimePicker format="HH:mm" placeholder={t('stores.open')} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'close']} noStyle>
                    <TimePicker format="HH:mm" placeholder={t('stores.close')} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ weekdays: [1, 2, 3, 4, 5] })}>
                {t('stores.addHours')}
              </Button>
            </Form.Item>
          )}
        </Form.List>
      </Form>
    </FormDrawer>
  );
}
