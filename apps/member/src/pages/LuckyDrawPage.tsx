import { useState } from 'react';
import { Button, Dialog, Form, Input, List, NavBar, Popup, Tag, Toast } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Lottery, LotteryPrize, LotteryWin } from '@hearth/contracts/games';
import { api, ApiError } from '../api.ts';
import { useLoad } from '../use-load.ts';
import { LuckyWheel, spinDuration, turnTo, wheelSlices } from './LuckyWheel.tsx';
import { formatInZone } from '../dates.ts';

interface EnterResult {
  entry: { result: 'pending' | 'won' | 'lost' };
  win: LotteryWin | null;
  prize: LotteryPrize | null;
}

const DEVICE_KEY = 'hearth.device-id';
/** A random id kept on this phone, sent with entries so the brand's per-device limits can apply. */
function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) localStorage.setItem(DEVICE_KEY, (id = crypto.randomUUID()));
  return id;
}

/** 幸运抽奖: open lotteries to enter, the result at once (instant) or after the draw, my prizes and their delivery. */
export function LuckyDrawPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const lotteries = useLoad<Lottery[]>('/me/lotteries');
  const wins = useLoad<LotteryWin[]>('/me/lottery-wins');
  const [busy, setBusy] = useState<string>();
  const [addressFor, setAddressFor] = useState<LotteryWin | null>(null);
  const [rotation, setRotation] = useState<Record<string, number>>({});
  const date = (iso: string) => formatInZone(iso, { month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' });

  async function enter(lottery: Lottery) {
    setBusy(lottery.id);
    try {
      const result = await api<EnterResult>(`/me/lotteries/${lottery.id}/entries`, { method: 'POST', body: { device_id: deviceId() } });
      if (lottery.mode === 'instant') {
        // The outcome is already decided; the wheel turns to it before the result is told.
        const slices = wheelSlices(lottery, t('games.draw.noPrize'));
        const index = Math.max(0, slices.findIndex((s) => s.id === (result.prize?.id ?? null)));
        setRotation((r) => ({ ...r, [lottery.id]: turnTo(r[lottery.id] ?? 0, index, slices.length) }));
        await new Promise((resolve) => setTimeout(resolve, spinDuration));
      }
      await Promise.all([lotteries.reload(), wins.reload()]);
      if (result.entry.result === 'pending') Toast.show({ icon: 'success', content: t('games.draw.entered') });
      else if (result.win && result.prize) {
        const content = t('games.draw.won', { prize: result.prize.name });
        if (result.win.status !== 'pending_address') Dialog.alert({ content, confirmText: t('common.confirm') });
        else if (await Dialog.confirm({ content, confirmText: t('games.draw.giveAddress'), cancelText: t('games.draw.later') })) setAddressFor(result.win);
      } else Dialog.alert({ content: t('games.draw.lost'), confirmText: t('common.confirm') });
    } catch (err) {
      Dialog.alert({ content: err instanceof ApiError ? t(`errors.${err.code}`, { defaultValue: err.message }) : (err as Error).message, confirmText: t('common.confirm') });
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <main>
      <NavBar onBack={() => navigate('/')} backIcon backArrow>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('games.draw.title')}</h1>
      </NavBar>
      <div className="page-body">
        {lotteries.error}
        {lotteries.data?.length === 0 && <div className="card muted">{t('games.draw.none')}</div>}
        {lotteries.data?.map((l) => (
          <section key={l.id} className="card" aria-labelledby={`lottery-${l.id}`} data-testid="lottery-card">
            <h2 id={`lottery-${l.id}`}>{l.name}</h2>
            {l.description && <div className="muted">{l.description}</div>}
            {l.mode === 'instant' && <LuckyWheel slices={wheelSlices(l, t('games.draw.noPrize'))} rotation={rotation[l.id] ?? 0} />}
            <div className="prize-list" aria-label={t('games.draw.prizes')}>
              {l.prizes.map((p) => (
                <Tag key={p.id} color="warning" fill="outline">
                  {p.name}
                  {l.mode === 'instant' && p.probability_bp !== null && ` · ${t('games.draw.chance', { percent: p.probability_bp / 100 })}`}
                  {p.remaining !== null && ` · ${t('games.draw.left', { n: p.remaining })}`}
                </Tag>
              ))}
            </div>
            <div className="muted">
              {l.entry_cost_points ? t('games.draw.cost', { points: l.entry_cost_points }) : t('games.draw.free')}
              {l.daily_limit && ` · ${t('games.draw.dailyLimit', { n: l.daily_limit })}`}
              {' · '}
              {l.mode === 'scheduled' && l.draw_at ? t('games.draw.drawAt', { date: date(l.draw_at) }) : t('games.draw.ends', { date: date(l.ends_at) })}
            </div>
            <Button block color="primary" style={{ marginTop: 10 }} loading={busy === l.id} onClick={() => void enter(l)} data-testid="lottery-enter">
              {l.mode === 'instant' ? t('games.draw.enter') : t('games.draw.scheduled')}
            </Button>
            <div className="muted" style={{ fontSize: 11, marginTop: 6, wordBreak: 'break-all' }}>{t('games.draw.fairness', { hash: l.seed_hash.slice(0, 16) })}…</div>
          </section>
        ))}

        <List header={t('games.draw.myPrizes')} mode="card" data-testid="my-prizes">
          {wins.data?.length === 0 && <List.Item>{t('games.draw.noPrizes')}</List.Item>}
          {wins.data?.map((w) => (
            <List.Item
              key={w.id}
              description={[w.lottery_name, w.tracking_no ? t('games.draw.tracking', { carrier: w.carrier, no: w.tracking_no }) : null, w.address].filter(Boolean).join(' · ')}
              extra={<Tag color={w.status === 'pending_address' ? 'danger' : w.status === 'delivered' || w.status === 'fulfilled' ? 'success' : 'primary'}>{t(`games.winStatus.${w.status}`)}</Tag>}
              onClick={w.status === 'pending_address' || w.status === 'ready' ? () => setAddressFor(w) : undefined}
              arrow={w.status === 'pending_address' || w.status === 'ready'}
            >
              {w.prize_name}
            </List.Item>
          ))}
        </List>
      </div>
      <Popup visible={!!addressFor} onMaskClick={() => setAddressFor(null)} bodyStyle={{ borderTopLeftRadius: 12, borderTopRightRadius: 12 }}>
        {addressFor && <AddressForm win={addressFor} onDone={() => { setAddressFor(null); void wins.reload(); }} />}
      </Popup>
    </main>
  );
}

function AddressForm({ win, onDone }: { win: LotteryWin; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ name: string; phone: string; address: string }>();
  async function save() {
    const v = await form.validateFields();
    try {
      await api(`/me/lottery-wins/${win.id}/address`, { method: 'PUT', body: v });
      Toast.show({ icon: 'success', content: t('games.draw.addressSaved') });
      onDone();
    } catch (err) {
      Dialog.alert({ content: err instanceof ApiError ? t(`errors.${err.code}`, { defaultValue: err.message }) : (err as Error).message, confirmText: t('common.confirm') });
    }
  }
  return (
    <Form form={form} layout="horizontal" initialValues={{ name: win.recipient_name ?? '', phone: win.recipient_phone ?? '', address: win.address ?? '' }}
      footer={<Button block color="primary" onClick={() => void save()} data-testid="address-save">{t('common.save')}</Button>}>
      <Form.Header>{t('games.draw.giveAddress')} · {win.prize_name}</Form.Header>
      <Form.Item name="name" label={t('games.draw.recipient')} rules={[{ required: true }]}><Input maxLength={50} data-testid="address-name" /></Form.Item>
      <Form.Item name="phone" label={t('games.draw.phone')} rules={[{ required: true, pattern: /^\+?[0-9 -]{6,20}$/ }]}><Input type="tel" maxLength={20} data-testid="address-phone" /></Form.Item>
      <Form.Item name="address" label={t('games.draw.address')} rules={[{ required: true, min: 5 }]}><Input maxLength={300} data-testid="address-detail" /></Form.Item>
    </Form>
  );
}
