import { useCallback, useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert, App, Button, Card, Col, Empty, Row, Space, Statistic, Table, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { liabilitySchema } from '@hearth/contracts/points';
import { api } from '../api.ts';
import { formatFen } from '../format.ts';
import { useSession } from '../session.tsx';

type Liability = z.infer<typeof liabilitySchema>;
interface Problem {
  check: string;
  member_id: string | null;
  detail: string;
}

/** What the brand owes in points and ¥, when it expires, the ledger's accounts, and whether the books close. */
export function PointsLiabilityPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const navigate = useNavigate();
  const [report, setReport] = useState<Liability | null>(null);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [checking, setChecking] = useState(false);
  const canReconcile = can('points:manage');

  const reconcile = useCallback(async () => {
    setChecking(true);
    await api<{ problems: Problem[] }>('/points/reconciliation').then(
      (r) => setProblems(r.problems),
      (e: Error) => message.error(e.message),
    );
    setChecking(false);
  }, [message]);
  const load = useCallback(() => {
    void api<Liability>('/points/liability').then(setReport, (e: Error) => message.error(e.message));
    if (canReconcile) void reconcile();
  }, [canReconcile, reconcile, message]);
  useEffect(load, [load]);

  const total = report?.accounts.reduce((sum, a) => sum + a.balance, 0) ?? 0;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('liability.title')}
        loading={!report}
        data-testid="points-liability"
        extra={
          <Button icon={<ReloadOutlined />} onClick={load}>
            {t('common.refresh')}
          </Button>
        }
      >
        {report && (
          <Row gutter={[24, 16]}>
            <Col xs={24} md={8} xl={6}>
              <Statistic title={t('liability.outstanding')} value={report.outstanding_points} styles={{ content: { color: '#c2410c' } }} />
              <Typography.Text type="secondary">{`${t('points.worth')} ${formatFen(report.outstanding_fen)}`}</Typography.Text>
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic title={t('points.held')} value={report.held_points} />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic title={t('points.pending')} value={report.pending_points} />
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic title={t('points.debt')} value={report.debt_points} styles={{ content: report.debt_points > 0 ? { color: '#cf1322' } : {} }} />
            </Col>
            <Col xs={12} md={8} xl={6}>
              <Statistic title={t('liability.members')} value={report.members_with_points} />
            </Col>
          </Row>
        )}
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card title={t('liability.expiringByMonth')} size="small" style={{ height: '100%' }}>
            <Table
              rowKey="month"
              size="small"
              pagination={false}
              loading={!report}
              dataSource={report?.expiring_by_month ?? []}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('liability.noExpiring')} /> }}
              columns={[
                { title: t('liability.month'), dataIndex: 'month' },
                { title: t('points.points'), dataIndex: 'points', align: 'right', render: (v: number) => v.toLocaleString('zh-CN') },
                { title: t('liability.value'), dataIndex: 'value_fen', align: 'right', render: formatFen },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('liability.accounts')} size="small" style={{ height: '100%' }}>
            <Table
              rowKey="account"
              size="small"
              pagination={false}
              loading={!report}
              dataSource={report?.accounts ?? []}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('liability.noPostings')} /> }}
              columns={[
                { title: t('points.account'), dataIndex: 'account', render: (a: string) => t(`points.accounts.${a}`, { defaultValue: a }) },
                { title: t('liability.balance'), dataIndex: 'balance', align: 'right', render: (v: number) => v.toLocaleString('zh-CN') },
              ]}
            />
            {report && (
              <Typography.Paragraph type={total === 0 ? 'secondary' : 'danger'} style={{ marginTop: 12, marginBottom: 0 }} data-testid="liability-sum">
                {total === 0 ? t('liability.sumsToZero') : t('liability.doesNotSum', { total })}
              </Typography.Paragraph>
            )}
          </Card>
        </Col>
      </Row>
      {canReconcile && (
        <Card
          title={t('liability.reconciliation')}
          size="small"
          extra={
            <Button size="small" icon={<ReloadOutlined />} loading={checking} onClick={() => void reconcile()}>
              {t('liability.reconcileAgain')}
            </Button>
          }
        >
          {problems === null ? (
            <Typography.Text type="secondary">{t('liability.checking')}</Typography.Text>
          ) : problems.length === 0 ? (
            <Alert type="success" showIcon title={t('liability.reconciled')} description={t('liability.reconciledHint')} data-testid="reconciliation-ok" />
          ) : (
            <>
              <Alert type="error" showIcon title={t('liability.problems', { count: problems.length })} style={{ marginBottom: 12 }} />
              <Table
                rowKey="key"
                size="small"
                pagination={problems.length > 20 ? { pageSize: 20 } : false}
                dataSource={problems.map((p, i) => ({ ...p, key: i }))}
                columns={[
                  { title: t('liability.check'), dataIndex: 'check', render: (c: string) => t(`liability.checks.${c}`, { defaultValue: c }) },
                  { title: t('points.member'), dataIndex: 'member_id', render: (id: string | null) => (id ? <a onClick={() => navigate(`/members/${id}`)}>{id.slice(-8)}</a> : '—') },
                  { title: t('liability.detail'), dataIndex: 'detail' },
                ]}
              />
            </>
          )}
        </Card>
      )}
    </Space>
  );
}
