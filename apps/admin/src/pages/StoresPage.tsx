import { useState } from 'react';
import { App, Button, Card, Input, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { storeStatuses, type Store } from '@hearth/contracts/stores';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { useCursorList } from '../use-cursor-list.ts';
import { StoreFormDrawer } from './StoreFormDrawer.tsx';
import { StoreImportModal } from './StoreImportModal.tsx';

const statusColor = { active: 'green', inactive: 'orange', closed: 'default' } as const;

export function StoresPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [q, setQ] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [city, setCity] = useState<string>();
  const [editing, setEditing] = useState<Store | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const list = useCursorList<Store>('/stores', { q, status, city });
  const writable = can('stores:write');

  const remove = async (store: Store) => {
    await api(`/stores/${store.id}`, { method: 'DELETE' }).then(
      () => message.success(t('common.deleted')),
      (e: Error) => message.error(e.message),
    );
    await list.reload();
  };

  return (
    <Card
      title={t('stores.title')}
      extra={
        writable && (
          <Space>
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="stores-import">
              {t('stores.import')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="stores-create">
              {t('stores.create')}
            </Button>
          </Space>
        )
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search allowClear placeholder={t('stores.searchPlaceholder')} onSearch={(v) => setQ(v || undefined)} style={{ width: 260 }} data-testid="stores-search" />
        <Select
          allowClear
          placeholder={t('common.status')}
          style={{ width: 140 }}
          value={status}
          onChange={setStatus}
          options={storeStatuses.map((s) => ({ value: s, label: t(`stores.status.${s}`) }))}
        />
        <Input.Search allowClear placeholder={t('stores.cityPlaceholder')} onSearch={(v) => setCity(v || undefined)} style={{ width: 180 }} />
      </Space>
      <Table<Store>
        rowKey="id"
        loading={list.loading}
        dataSource={list.rows}
        pagination={false}
        data-testid="stores-table"
        columns={[
          { title: t('stores.code'), dataIndex: 'code', width: 110 },
          { title: t('stores.name'), dataIndex: 'name' },
          { title: t('stores.region'), render: (_, s) => [s.province, s.city, s.district].filter(Boolean).filter((v, i, a) => a.indexOf(v) === i).join(' / ') || '—' },
          { title: t('stores.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
          { title: t('common.status'), dataIndex: 'status', width: 100, render: (v: Store['status']) => <Tag color={statusColor[v]}>{t(`stores.status.${v}`)}</Tag> },
          ...(writable
            ? [
                {
                  title: t('common.actions'),
                  width: 140,
                  render: (_: unknown, store: Store) => (
                    <Space>
                      <Button type="link" size="small" onClick={() => setEditing(store)}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm title={t('common.confirmDelete')} onConfirm={() => remove(store)}>
                        <Button type="link" size="small" danger>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {list.hasMore && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button onClick={list.loadMore} loading={list.loading}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
      <StoreFormDrawer
        store={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void list.reload();
        }}
      />
      <StoreImportModal open={importing} onClose={() => setImporting(false)} onImported={() => void list.reload()} />
    </Card>
  );
}
