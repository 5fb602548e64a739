import { useCallback, useEffect, useRef, useState } from 'react';
import { Button, Input, NavBar, Tag, Toast } from 'antd-mobile';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { memberScanResultSchema, warrantySchema } from '@hearth/contracts/item-codes';
import { api } from '../api.ts';
import { problemText, useDateTime } from '../problem-text.ts';
import { useLoad } from '../use-load.ts';

type ScanResult = z.infer<typeof memberScanResultSchema>;
type Warranty = z.infer<typeof warrantySchema>;

/** The code in what the camera read: the printed QR holds a link `…/m/scan?brand=…&c=CODE`, a label may hold the bare code. */
export function codeFromScan(text: string): string {
  try {
    return new URL(text).searchParams.get('c') ?? text;
  } catch {
    return text.trim();
  }
}

/** 扫码验真: check a product code (typed, from the camera, or from the printed QR's link), earn its points once, register its warranty. */
export function ScanPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDateTime();
  const [params] = useSearchParams();
  const [code, setCode] = useState(params.get('c') ?? '');
  const [result, setResult] = useState<ScanResult>();
  const [busy, setBusy] = useState(false);
  const warranties = useLoad<{ data: Warranty[] }>('/me/warranties');

  const check = useCallback(
    async (value: string) => {
      if (!value.trim()) return;
      setBusy(true);
      try {
        setResult(await api<ScanResult>('/me/item-codes/scan', { method: 'POST', body: { code: value.trim() } }));
      } catch (err) {
        Toast.show({ content: problemText(t, err, 'scan') });
      } finally {
        setBusy(false);
      }
    },
    [t],
  );
  // Opened from the printed QR code: check at once, as a scan.
  const fromLink = params.get('c');
  useEffect(() => {
    if (fromLink) void check(fromLink);
  }, [fromLink, check]);

  return (
    <main>
      <NavBar onBack={() => navigate('/')}>
        <h1 style={{ fontSize: 17, margin: 0 }}>{t('scan.title')}</h1>
      </NavBar>
      <div className="page-body">
        <section className="card">
          <p className="muted" style={{ marginTop: 0 }}>{t('scan.hint')}</p>
          <Camera
            onCode={(text) => {
              const read = codeFromScan(text);
              setCode(read);
              void check(read);
            }}
          />
          <Input value={code} onChange={setCode} placeholder={t('scan.codePlaceholder')} aria-label={t('scan.code')} maxLength={200} data-testid="scan-code" onEnterPress={() => void check(codeFromScan(code))} />
          <Button block color="primary" loading={busy} disabled={!code.trim()} onClick={() => void check(codeFromScan(code))} style={{ marginTop: 8 }} data-testid="scan-check">{t('scan.check')}</Button>
        </section>
        {result && <ResultCard result={result} onWarranty={() => void warranties.reload()} />}
        {warranties.data && warranties.data.data.length > 0 && (
          <section className="card" aria-labelledby="scan-warranties">
            <h2 id="scan-warranties">{t('scan.myWarranties')}</h2>
            {warranties.data.data.map((w) => (
              <div key={w.id} style={{ padding: '6px 0', borderTop: '1px solid #f0f0f0' }}>
                <div>{w.sku} · <span className="muted">{w.code}</span></div>
                <div className="muted">{t('scan.warrantyUntil', { date: w.expires_on })}</div>
              </div>
            ))}
          </section>
        )}
      </div>
    </main>
  );
}

/** Genuine or not, how often and where it was first checked, the points this scan earned, and the warranty. */
function ResultCard({ result: r, onWarranty }: { result: ScanResult; onWarranty: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const date = useDateTime();
  const genuine = r.result === 'genuine';
  const place = [r.first_province, r.first_city].filter(Boolean).join(' ');
  const ownsIt = r.claim === 'claimed' || r.claim === 'already_yours';
  return (
    <section className="card" data-testid="scan-result" aria-live="polite">
      <Tag color={genuine ? 'success' : 'danger'} style={{ fontSize: 16, padding: '4px 10px' }} data-testid="scan-verdict">{t(`scan.result.${r.result}`)}</Tag>
      {genuine && <p style={{ margin: '8px 0' }}>{t('scan.genuineHint')}</p>}
      {r.product && <div>{t('scan.product')}：{r.product.name || r.product.sku}</div>}
      <div className="code-text" style={{ textAlign: 'left', fontSize: 15 }}>{r.code}</div>
      {r.scan_count > 0 && <div className="muted" data-testid="scan-count">{t('scan.scans', { n: r.scan_count })}</div>}
      {r.first_scanned_at && <div className="muted">{t('scan.firstScan', { date: date(r.first_scanned_at) })}</div>}
      {place && <div className="muted">{t('scan.firstPlace', { place })}</div>}
      {r.scan_count > 3 && <div className="warning" style={{ marginTop: 8 }}>{t('scan.manyScans')}</div>}
      {r.claim !== 'not_eligible' && (
        <div style={{ marginTop: 8, fontWeight: 600, color: r.claim === 'claimed' ? '#c2410c' : undefined }} data-testid="scan-claim">
          {t(`scan.claim.${r.claim}`, { points: r.points_awarded })}
        </div>
      )}
      {r.warranty && <div className="muted" style={{ marginTop: 8 }}>{t('scan.warrantyUntil', { date: r.warranty.expires_on })}</div>}
      {genuine && ownsIt && !r.warranty && r.warranty_months !== null && <WarrantyForm code={r.code} months={r.warranty_months} onDone={onWarranty} />}
      {genuine && ownsIt && (
        <Button block fill="outline" style={{ marginTop: 8 }} onClick={() => navigate(`/service/new?code=${encodeURIComponent(r.code)}`)}>{t('scan.service')}</Button>
      )}
    </section>
  );
}

function WarrantyForm({ code, months, onDone }: { code: string; months: number; onDone: () => void }) {
  const { t } = useTranslation();
  const [purchaseDate, setPurchaseDate] = useState('');
  const [storeName, setStoreName] = useState('');
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function register() {
    setBusy(true);
    try {
      const w = await api<Warranty>(`/me/item-codes/${encodeURIComponent(code)}/warranty`, { method: 'POST', body: { purchase_date: purchaseDate, ...(storeName.trim() && { store_name: storeName.trim() }) } });
      setDone(w.expires_on);
      onDone();
    } catch (err) {
      Toast.show({ content: problemText(t, err, 'scan') });
    } finally {
      setBusy(false);
    }
  }
  if (done) return <div className="muted" style={{ marginTop: 8 }} data-testid="warranty-done">{t('scan.registered', { date: done })}</div>;
  return (
    <div style={{ marginTop: 12, borderTop: '1px solid #f0f0f0', paddingTop: 8 }}>
      <strong>{t('scan.warranty')}</strong> <span className="muted">{t('scan.warrantyMonths', { months })}</span>
      <label className="field-label" htmlFor="warranty-date">{t('scan.purchaseDate')}</label>
      <Input id="warranty-date" type="date" value={purchaseDate} onChange={setPurchaseDate} />
      <Input value={storeName} onChange={setStoreName} placeholder={t('scan.storeName')} aria-label={t('scan.storeName')} maxLength={100} style={{ marginTop: 8 }} />
      <Button block color="primary" loading={busy} disabled={!purchaseDate} onClick={register} style={{ marginTop: 8 }}>{t('scan.register')}</Button>
    </div>
  );
}

// The browser's own barcode reader (Chrome and WebView on Android, Safari from 17 behind no flag on some
// phones): nothing to ship. Where it is missing the page falls back to typing, which every phone can do.
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type BarcodeDetectorCtor = new (options: { formats: string[] }) => BarcodeDetectorLike;
const Detector = (window as unknown as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;

function Camera({ onCode }: { onCode: (text: string) => void }) {
  const { t } = useTranslation();
  const [on, setOn] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  // The parent's handler changes every render; the camera must not restart for that.
  const handler = useRef(onCode);
  handler.current = onCode;
  useEffect(() => {
    if (!on || !Detector) return;
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    let stopped = false;
    const detector = new Detector({ formats: ['qr_code', 'data_matrix', 'code_128'] });
    void navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' } })
      .then(async (s) => {
        stream = s;
        if (stopped || !video.current) return;
        video.current.srcObject = s;
        await video.current.play();
        timer = setInterval(() => {
          if (!video.current) return;
          void detector.detect(video.current).then((codes) => {
            const first = codes[0]?.rawValue;
            if (first && !stopped) {
              stopped = true;
              setOn(false);
              handler.current(first);
            }
          }, () => undefined);
        }, 300);
      })
      .catch(() => {
        setOn(false);
        Toast.show({ content: t('scan.noCamera') });
      });
    return () => {
      stopped = true;
      clearInterval(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [on, t]);
  if (!Detector || !navigator.mediaDevices) return <div className="muted" style={{ marginBottom: 8 }}>{t('scan.noCamera')}</div>;
  return (
    <div style={{ marginBottom: 8 }}>
      {on && <video ref={video} muted playsInline aria-label={t('scan.cameraLabel')} style={{ width: '100%', borderRadius: 8, background: '#000' }} />}
      <Button block onClick={() => setOn(!on)} data-testid="scan-camera">{on ? t('scan.stopCamera') : t('scan.camera')}</Button>
    </div>
  );
}
