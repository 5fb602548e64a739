import { useEffect, useState } from 'react';
import { Button, Input, NavBar, Rate, Tag, TextArea, Toast } from 'antd-mobile';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useLoad } from '../use-load.ts';
import { errorText, useDate, type MyApplication, type MyProgram } from './ExperiencePages.tsx';

const emptyAddress = { recipient: '', phone: '', province: '', city: '', district: '', line: '' };

/** My application: its status, the address to ship to, the parcel, and the feedback form once selected. */
export function ExperienceApplicationPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDate();
  const application = useLoad<MyApplication>(`/me/experience/applications/${id}`);
  const a = application.data;
  const program = useLoad<MyProgram>(a ? `/me/experience/programs/${a.program_id}` : null);
  const p = program.data;
  return (
    <main>
      <NavBar onBack={() => navigate('/experience?tab=mine')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{p?.name ?? t('experience.title')}</h1>
      </NavBar>
      <div className="page-body">
        {application.error}
        {a && (
          <section className="card">
            <Tag color={a.status === 'selected' ? 'success' : 'default'} data-testid="experience-status">{t(`experience.status.${a.status}`)}</Tag>
            {p && <div className="muted" style={{ marginTop: 6 }}>{t('experience.due', { date: date(p.feedback_due_at) })}</div>}
          </section>
        )}
        {a?.status === 'selected' && (
          <>
            <AddressCard application={a} onSaved={application.reload} />
            <section className="card" aria-label={t('experience.shipment')}>
              <strong>{t('experience.shipment')}</strong>
              <div className="muted" data-testid="experience-shipment">
                {a.shipment.shipped_at ? t('experience.shippedBy', { carrier: a.shipment.carrier, no: a.shipment.tracking_no, date: date(a.shipment.shipped_at) }) : t('experience.notShipped')}
                {a.shipment.delivered_at && ` · ${t('experience.delivered')}`}
              </div>
            </section>
            {p && <FeedbackCard application={a} program={p} onSaved={application.reload} />}
          </>
        )}
      </div>
    </main>
  );
}

function AddressCard({ application: a, onSaved }: { application: MyApplication; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(emptyAddress);
  // The saved address comes back masked; members re-enter it to change it.
  useEffect(() => setDraft(emptyAddress), [a.id]);
  async function save() {
    try {
      await api(`/me/experience/applications/${a.id}/address`, { method: 'PUT', body: { ...draft, district: draft.district || null } });
      Toast.show({ icon: 'success', content: t('experience.addressSaved') });
      await onSaved();
    } catch (err) {
      Toast.show({ content: errorText(t, err) });
    }
  }
  const field = (key: keyof typeof emptyAddress) => (
    <>
      <label className="field-label">{t(`experience.${key === 'province' ? 'province' : key}`)}</label>
      <Input value={draft[key]} onChange={(v) => setDraft((d) => ({ ...d, [key]: v }))} data-testid={`address-${key}`} />
    </>
  );
  return (
    <section className="card" aria-label={t('experience.address')}>
      <strong>{t('experience.address')}</strong>
      {a.address && <div className="muted" data-testid="experience-address">{`${a.address.recipient} ${a.address.phone} ${a.address.province}${a.address.city}${a.address.district ?? ''}${a.address.line}`}</div>}
      {!a.shipment.shipped_at && (
        <>
          {field('recipient')}
          {field('phone')}
          {field('province')}
          {field('city')}
          {field('district')}
          {field('line')}
          <Button block color="primary" onClick={() => void save()} style={{ marginTop: 12 }} data-testid="address-save">{t('experience.saveAddress')}</Button>
        </>
      )}
    </section>
  );
}

function FeedbackCard({ application: a, program: p, onSaved }: { application: MyApplication; program: MyProgram; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const form = p.feedback_form;
  const [ratings, setRatings] = useState<Record<string, number>>({});
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState('');
  if (a.feedback) {
    return (
      <section className="card" data-testid="experience-feedback-done">
        <strong>{t('experience.submitted')}</strong>
        <div className="muted">{t('experience.qualityOf', { q: a.feedback.quality })}</div>
        {a.feedback.rewarded && <Tag color="success">{t('experience.rewarded')}</Tag>}
        {a.feedback.late && <Tag color="warning">{t('experience.late')}</Tag>}
      </section>
    );
  }
  async function submit() {
    try {
      await api(`/me/experience/applications/${a.id}/feedback`, { method: 'POST', body: { ratings, text, photo_urls: photos.split('\n').map((l) => l.trim()).filter(Boolean) } });
      Toast.show({ icon: 'success', content: t('experience.submitted') });
      await onSaved();
    } catch (err) {
      Toast.show({ content: errorText(t, err) });
    }
  }
  return (
    <section className="card" aria-label={t('experience.feedback')}>
      <strong>{t('experience.feedback')}</strong>
      {form.aspects.map((aspect) => (
        <div key={aspect.key} style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', margin: '8px 0' }} data-testid={`rate-${aspect.key}`}>
          <span>{aspect.label}</span>
          <Rate value={ratings[aspect.key] ?? 0} onChange={(v) => setRatings((r) => ({ ...r, [aspect.key]: v }))} />
        </div>
      ))}
      <label className="field-label">{form.text_label}</label>
      <TextArea value={text} onChange={setText} autoSize={{ minRows: 4 }} data-testid="feedback-text" />
      <div className="muted">{t('experience.textHint', { n: form.text_min_length, count: [...text.trim()].length })}</div>
      {form.photos_max > 0 && (
        <>
          <label className="field-label">{t('experience.photos')} <span className="muted">{t('experience.photosHint', { min: form.photos_min, max: form.photos_max })}</span></label>
          <TextArea value={photos} onChange={setPhotos} autoSize={{ minRows: 2 }} placeholder="https://" data-testid="feedback-photos" />
        </>
      )}
      <Button block color="primary" onClick={() => void submit()} style={{ marginTop: 12 }} data-testid="feedback-submit">{t('experience.submit')}</Button>
    </section>
  );
}
