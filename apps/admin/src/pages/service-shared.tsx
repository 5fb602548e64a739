import { useEffect, useState } from 'react';
import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ticketSchema } from '@hearth/contracts/service';
import type { Store } from '@hearth/contracts/stores';
import { api, type Page } from '../api.ts';
import { useSession } from '../session.tsx';

type Ticket = z.infer<typeof ticketSchema>;
type SlaState = Ticket['sla']['accept'];
export const slaColor: Record<SlaState, string> = { none: 'default', ok: 'green', due_soon: 'orange', breached: 'red' };
export const statusColor: Record<Ticket['status'], string> = { submitted: 'blue', accepted: 'cyan', in_progress: 'geekblue', resolved: 'green', closed: 'default', rejected: 'red' };
/** Stores and operators to filter and assign by; each list only when this operator may read it. */
export function useAssignees() {
  const { can, session } = useSession();
  const [stores, setStores] = useState<Store[]>([]);
  const [operators, setOperators] = useState<{ id: string; name: string }[]>(session ? [session.operator] : []);
  const storesAllowed = can('stores:read');
  const assigns = can('service:manage');
  useEffect(() => {
    if (storesAllowed) void api<Page<Store>>('/stores?limit=200').then((p) => setStores(p.data), () => undefined);
    if (assigns) void api<{ data: { id: string; name: string }[] }>('/service/assignees').then((r) => setOperators(r.data), () => undefined);
  }, [storesAllowed, assigns]);
  return { stores, operators };
}

/** The running timers of a ticket with their state (accept while submitted, resolve until resolved). */
export function SlaTags({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const running = (['accept', 'resolve'] as const).filter((timer) => ticket.sla[timer] !== 'none');
  if (!running.length) return <>—</>;
  return (
    <Space size={4}>
      {running.map((timer) => (
        <Tag key={timer} color={slaColor[ticket.sla[timer]]}>{`${t(`service.${timer}`)} ${t(`service.sla.${ticket.sla[timer]}`)}`}</Tag>
      ))}
    </Space>
  );
}
