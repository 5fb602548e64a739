import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, App, Button, Card, Checkbox, Descriptions, Empty, Form, Input, Modal, Popover, Progress, Space, Table, Tabs, Tag, Typography } from 'antd';
import { DownloadOutlined, EyeOutlined, PictureOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { Application, Program, proposalSchema, reportSchema } from '@hearth/contracts/experience';
import { api } from '../api.ts';
import { formatTime } from '../format.ts';
import { useSession } from '../session.tsx';
import { experienceErrorText } from './ExperiencePage.tsx';

type Proposal = z.infer<typeof proposalSchema>;
type Report = z.infer<typeof reportSchema>;
const statusColor: Record<Application['status'], string> = { applied: 'default', selected: 'green', not_selected: 'red' };

/** One program: ranked applicants with their explained score, the selection, shipments and the feedback report. */
export function ExperienceProgramPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [program, setProgram] = useState<Program | null>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(() => void api<Program>(`/experience/programs/${id}`).then(setProgram, (e: Error) => message.error(e.message)), [id, version, message]);
  if (!program) return <Card loading />;
  return (
    <Card
      data-testid="experience-program"
      title={<Space><Link to="/experience">{t('experience.title')}</Link>/<span>{program.name}</span><Tag>{t(`experience.phase.${program.phase}`)}</Tag></Space>}
      extra={<Typography.Text type="secondary">{t('experience.counts', program.counts)}</Typography.Text>}
    >
      <Descriptions size="small" column={3} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('experience.product')}>{program.product_name ?? ''} ({program.sku})</Descriptions.Item>
        <Descriptions.Item label={t('experience.places')}>{program.places}</Descriptions.Item>
        <Descriptions.Item label={t('experience.due')}>{formatTime(program.feedback_due_at)}</Descriptions.Item>
        <Descriptions.Item label={t('experience.window')}>{formatTime(program.apply_from)} ~ {formatTime(program.apply_until)}</Descriptions.Item>
        <Descriptions.Item label={t('experience.quotas')}>{Object.entries(program.region_quotas).map(([p, n]) => `${p} ${n}`).join('，') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('experience.reward')}>{t(`experience.rewardKinds.${program.reward.kind}`)}{program.reward.kind === 'points' ? ` ${program.reward.points}` : program.reward.kind === 'badge' ? ` ${program.reward.badge}` : ''}</Descriptions.Item>
      </Descriptions>
      <Tabs
        destroyOnHidden
        items={[
          { key: 'applicants', label: t('experience.tabs.applicants'), children: <ApplicantsTab program={program} version={version} reload={reload} /> },
          { key: 'selection', label: t('experience.tabs.selection'), children: <SelectionTab program={program} reload={reload} /> },
          { key: 'shipments', label: t('experience.tabs.shipments'), children: <ShipmentsTab program={program} version={version} reload={reload} /> },
          { key: 'report', label: t('experience.tabs.report'), children: <ReportTab program={program} /> },
        ]}
      />
    </Card>
  );
}

function useApplications(programId: string, query: string, version: number) {
  const { message } = App.useApp();
  const [rows, setRows] = useState<Application[] | null>(null);
  useEffect(() => void api<{ data: Application[] }>(`/experience/programs/${programId}/applications?limit=200${query}`).then((r) => setRows(r.data), (e: Error) => message.error(e.message)), [programId, query, version, message]);
  return rows;
}

function ScoreParts({ a }: { a: Application }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={0}>
      {Object.entries(a.score_parts).map(([factor, part]) => (
        <Typography.Text key={factor}>
          {t(`experience.factors.${factor}`)}：{t('experience.factorLine', { value: part.value, weight: part.weight_bp / 100, points: part.points })}
          {part.raw !== null && <Typography.Text type="secondary"> ({part.raw})</Typography.Text>}
        </Typography.Text>
      ))}
    </Space>
  );
}

function ApplicantsTab({ program, version, reload }: { program: Program; version: number; reload: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const rows = useApplications(program.id, '', version);
  const rescore = () => void api<{ rescored: number }>(`/experience/programs/${program.id}/rescore`, { method: 'POST' }).then((r) => { message.success(t('experience.rescored', { n: r.rescored })); reload(); }, (e: unknown) => message.error(experienceErrorText(t, e)));
  return (
    <>
      {can('experience:manage') && <Button icon={<ReloadOutlined />} onClick={rescore} style={{ marginBottom: 12 }}>{t('experience.rescore')}</Button>}
      <Table<Application>
        rowKey="id"
        size="small"
        loading={!rows}
        dataSource={rows ?? []}
        pagination={{ pageSize: 50 }}
        data-testid="experience-applicants"
        columns={[
          { title: t('experience.rank'), dataIndex: 'rank', width: 70 },
          { title: t('experience.member'), render: (_, a) => <Link to={`/members/${a.member_id}`}>{a.member_no}</Link> },
          { title: t('experience.province'), dataIndex: 'province', render: (v: string | null) => v ?? '—' },
          { title: t('experience.score'), render: (_, a) => <Popover content={<ScoreParts a={a} />}><Typography.Text strong style={{ cursor: 'help' }}>{a.score.toFixed(2)}</Typography.Text></Popover> },
          { title: t('experience.answers'), render: (_, a) => <Typography.Text ellipsis style={{ maxWidth: 260 }}>{Object.entries(a.answers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join('/') : String(v)}`).join('；') || '—'}</Typography.Text> },
          { title: t('experience.status'), render: (_, a) => <Tag color={statusColor[a.status]}>{t(`experience.statuses.${a.status}`)}</Tag> },
          { title: t('experience.appliedAt'), dataIndex: 'created_at', render: formatTime },
        ]}
      />
    </>
  );
}

function SelectionTab({ program, reload }: { program: Program; reload: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [rejectOthers, setRejectOthers] = useState(false);
  const load = useCallback(
    () =>
      void api<Proposal>(`/experience/programs/${program.id}/proposal`).then(
        (p) => {
          setProposal(p);
          setPicked(p.proposed.map((x) => x.application_id));
        },
        (e: Error) => message.error(e.message),
      ),
    [program.id, message],
  );
  useEffect(load, [load]);
  const confirm = async () => {
    try {
      const r = await api<{ selected: number }>(`/experience/programs/${program.id}/selection`, { method: 'POST', body: { application_ids: picked, reject_others: rejectOthers }, idempotent: true });
      message.success(t('experience.confirmed', { n: r.selected }));
      load();
      reload();
    } catch (error) {
      message.error(experienceErrorText(t, error));
    }
  };
  if (!proposal) return <Card loading />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Alert type="info" title={t('experience.proposal')} description={t('experience.proposalHint', { places: proposal.places, selected: proposal.already_selected })} />
      <Table
        rowKey="application_id"
        size="small"
        pagination={false}
        dataSource={proposal.proposed}
        rowSelection={{ selectedRowKeys: picked, onChange: (keys) => setPicked(keys as string[]) }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
        columns={[
          { title: t('experience.member'), dataIndex: 'member_no' },
          { title: t('experience.province'), dataIndex: 'province', render: (v: string | null) => v ?? '—' },
          { title: t('experience.score'), dataIndex: 'score', render: (v: number) => v.toFixed(2) },
        ]}
      />
      {proposal.skipped_for_quota.length > 0 && <Typography.Text type="secondary">{t('experience.skipped')}：{proposal.skipped_for_quota.map((s) => `${s.province ?? ''} ${s.score.toFixed(2)}`).join('，')}</Typography.Text>}
      {can('experience:manage') && (
        <Space>
          <Checkbox checked={rejectOthers} onChange={(e) => setRejectOthers(e.target.checked)}>{t('experience.rejectOthers')}</Checkbox>
          <Button type="primary" disabled={!picked.length} onClick={() => void confirm()} data-testid="experience-confirm">{t('experience.confirm')} ({picked.length})</Button>
        </Space>
      )}
    </Space>
  );
}

function ShipmentsTab({ program, version, reload }: { program: Program; version: number; reload: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const rows = useApplications(program.id, '&status=selected', version);
  const [shipping, setShipping] = useState<Application | null>(null);
  const [form] = Form.useForm<{ carrier: string; tracking_no: string }>();
  const reveal = (a: Application) =>
    void api<Record<string, string | null>>(`/experience/applications/${a.id}/address`).then(
      (addr) => {
        modal.info({ title: t('experience.address'), content: <Typography.Paragraph copyable>{`${addr.recipient} ${addr.phone}\n${addr.province} ${addr.city} ${addr.district ?? ''} ${addr.line}`}</Typography.Paragraph> });
      },
      (e: unknown) => message.error(experienceErrorText(t, e)),
    );
  const put = async (a: Application, body: object) => {
    try {
      await api(`/experience/applications/${a.id}/shipment`, { method: 'PUT', body });
      message.success(t('common.saved'));
      setShipping(null);
      reload();
    } catch (error) {
      message.error(experienceErrorText(t, error));
    }
  };
  // A reward refused at submission (a coupon ran out): given again once the operator restocked.
  const retryReward = async (a: Application) => {
    try {
      const updated = await api<Application>(`/experience/applications/${a.id}/reward`, { method: 'POST' });
      if (updated.feedback?.rewarded) message.success(t('experience.rewardRetried'));
      else message.warning(t('experience.rewardStillFailed', { error: updated.feedback?.reward_error ?? '' }));
      reload();
    } catch (error) {
      message.error(experienceErrorText(t, error));
    }
  };
  return (
    <>
      <Table<Application>
        rowKey="id"
        size="small"
        loading={!rows}
        dataSource={rows ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: t('experience.member'), dataIndex: 'member_no' },
          {
            title: t('experience.address'),
            render: (_, a) =>
              a.address ? (
                <Space>
                  <span>{`${a.address.recipient} ${a.address.phone} ${a.address.province}${a.address.city}${a.address.district ?? ''}${a.address.line}`}</span>
                  {can('members:read_pii') && <Button size="small" type="link" icon={<EyeOutlined />} title={t('experience.revealHint')} onClick={() => reveal(a)}>{t('experience.reveal')}</Button>}
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('experience.noAddress')}</Typography.Text>
              ),
          },
          { title: t('experience.carrier'), render: (_, a) => (a.shipment.carrier ? `${a.shipment.carrier} ${a.shipment.tracking_no ?? ''}` : '—') },
          { title: t('experience.shipped'), render: (_, a) => formatTime(a.shipment.shipped_at) },
          { title: t('experience.delivered'), render: (_, a) => formatTime(a.shipment.delivered_at) },
          {
            title: t('experience.feedbackState'),
            render: (_, a) =>
              !a.feedback ? (
                <Typography.Text type="secondary">{t('experience.feedbackMissing')}</Typography.Text>
              ) : a.feedback.rewarded ? (
                <Tag color="green">{t('experience.rewardGiven')}</Tag>
              ) : a.feedback.reward_error ? (
                <Space direction="vertical" size={2}>
                  <Typography.Text type="danger">{a.feedback.reward_error}</Typography.Text>
                  {can('experience:manage') && <Button size="small" onClick={() => void retryReward(a)}>{t('experience.retryReward')}</Button>}
                </Space>
              ) : (
                <Tag>{t('experience.feedbackNoReward')}</Tag>
              ),
          },
          {
            title: t('common.actions'),
            render: (_, a) =>
              can('experience:manage') && a.address && (
                <Space>
                  {!a.shipment.shipped_at && <Button size="small" onClick={() => { form.resetFields(); setShipping(a); }}>{t('experience.ship')}</Button>}
                  {a.shipment.shipped_at && !a.shipment.delivered_at && <Button size="small" onClick={() => void put(a, { delivered_at: new Date().toISOString() })}>{t('experience.markDelivered')}</Button>}
                </Space>
              ),
          },
        ]}
      />
      <Modal open={shipping !== null} title={t('experience.ship')} onCancel={() => setShipping(null)} onOk={() => void form.validateFields().then((v) => put(shipping!, v))} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="carrier" label={t('experience.carrier')} rules={[{ required: true, whitespace: true }]}><Input maxLength={50} placeholder="顺丰 / 中通 / 京东" /></Form.Item>
          <Form.Item name="tracking_no" label={t('experience.trackingNo')} rules={[{ required: true, whitespace: true }]}><Input maxLength={64} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function ReportTab({ program }: { program: Program }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [report, setReport] = useState<Report | null>(null);
  useEffect(() => void api<Report>(`/experience/programs/${program.id}/report`).then(setReport, (e: Error) => message.error(e.message)), [program.id, message]);
  if (!report) return <Card loading />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="experience-report">
      <Space wrap>
        <Typography.Text>{t('experience.funnel', report)}</Typography.Text>
        <Button icon={<DownloadOutlined />} href={`/api/v1/experience/programs/${program.id}/feedback.csv`}>{t('experience.downloadCsv')}</Button>
      </Space>
      <Typography.Text type="secondary">{t('experience.feedbackCount', { ...report, quality: report.average_quality ?? '—' })}</Typography.Text>
      <Table
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={report.aspects}
        columns={[
          { title: t('experience.aspect'), dataIndex: 'label' },
          { title: t('experience.average'), dataIndex: 'average', render: (v: number | null) => (v === null ? '—' : v.toFixed(2)) },
          {
            title: t('experience.distribution'),
            render: (_, a) => (
              <Space size={4}>
                {a.distribution.map((n, i) => (
                  <Space key={i} orientation="vertical" size={0} style={{ width: 48, textAlign: 'center' }}>
                    <Progress type="line" percent={a.count ? Math.round((n * 100) / a.count) : 0} showInfo={false} size="small" />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>{i + 1}★ {n}</Typography.Text>
                  </Space>
                ))}
              </Space>
            ),
          },
        ]}
      />
      <Typography.Title level={5}>{t('experience.comments')}</Typography.Title>
      <Table
        rowKey={(c) => `${c.member_no}-${c.submitted_at}`}
        size="small"
        dataSource={report.comments}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('experience.member'), dataIndex: 'member_no', width: 120 },
          { title: t('experience.comments'), dataIndex: 'text' },
          { title: '', render: (_, c) => <Space>{c.photo_urls.map((u) => <a key={u} href={u} target="_blank" rel="noreferrer" aria-label={u}><PictureOutlined /></a>)}{c.late && <Tag color="orange">{t('experience.late')}</Tag>}</Space> },
          { title: t('experience.submittedAt'), dataIndex: 'submitted_at', render: formatTime, width: 170 },
        ]}
      />
    </Space>
  );
}
