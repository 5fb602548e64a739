import type { z } from 'zod';
import type { addressInputSchema, Application, shipmentInputSchema } from '@hearth/contracts/experience';
import { withTransaction } from '../../db/transaction.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';
import { AppError, validationError } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { normalizePhone } from '../members/personal-data.ts';
import { getApplicationRow, serializeApplications } from './applications.service.ts';

type AddressInput = z.infer<typeof addressInputSchema>;
type ShipmentInput = z.infer<typeof shipmentInputSchema>;

/** A selected member gives (or corrects) where to ship, until the parcel has left. */
export async function setAddress(deps: AppDeps, ctx: RequestContext, memberId: string, applicationId: string, input: AddressInput): Promise<Application> {
  const phone = normalizePhone(input.phone);
  if (!phone) throw validationError([{ field: 'phone', code: 'invalid_phone', message: 'not a valid phone number' }]);
  return withTransaction(deps.db, async (trx) => {
    const row = await getApplicationRow(trx, ctx.tenantId, applicationId, memberId, true);
    if (row.status !== 'selected') throw new AppError('EXPERIENCE_NOT_SELECTED', 'Only selected members give a shipping address');
    if (row.shipped_at) throw new AppError('CONFLICT', 'The product has already been shipped to the address given', { errors: [{ field: 'address', code: 'already_shipped', message: 'already shipped' }] });
    const updated = await trx
      .updateTable('experience_applications')
      .set({ address_recipient: input.recipient, address_phone: phone, address_province: input.province, address_city: input.city, address_district: input.district ?? null, address_line: input.line, address_at: deps.clock.now() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', memberId)
      .where('id', '=', applicationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return (await serializeApplications(trx, ctx.tenantId, [updated]))[0]!;
  });
}

/** The full address, for whoever packs the parcel: needs members:read_pii and leaves an audit row. */
export async function revealAddress(deps: AppDeps, ctx: RequestContext, applicationId: string) {
  const row = await getApplicationRow(deps.db, ctx.tenantId, applicationId);
  if (!row.address_line) throw new AppError('NOT_FOUND', 'This member has not given an address yet');
  await recordAudit(deps.db, ctx, { action: 'experience.address_viewed', resourceType: 'member', resourceId: row.member_id, details: { application_id: applicationId } });
  return { recipient: row.address_recipient!, phone: row.address_phone!, province: row.address_province!, city: row.address_city!, district: row.address_district, line: row.address_line };
}

/**
 * Records the parcel: carrier and tracking number (shipped then, or at `shipped_at`), and later its delivery.
 * Shipping needs a selected member with an address; delivery needs the shipment.
 */
export async function updateShipment(deps: AppDeps, ctx: RequestContext, applicationId: string, input: ShipmentInput): Promise<Application> {
  return withTransaction(deps.db, async (trx) => {
    const row = await getApplicationRow(trx, ctx.tenantId, applicationId, undefined, true);
    if (row.status !== 'selected') throw new AppError('EXPERIENCE_NOT_SELECTED', 'Only selected members are shipped the product');
    if (!row.address_line) throw new AppError('CONFLICT', 'The member has not given a shipping address yet', { errors: [{ field: 'address', code: 'missing', message: 'no address yet' }] });
    const carrier = input.carrier ?? row.carrier;
    const trackingNo = input.tracking_no ?? row.tracking_no;
    const now = deps.clock.now();
    const shippedAt = input.shipped_at ? new Date(input.shipped_at) : (row.shipped_at ?? (carrier && trackingNo ? now : null));
    const deliveredAt = input.delivered_at ? new Date(input.delivered_at) : row.delivered_at;
    if (deliveredAt && !shippedAt) throw validationError([{ field: 'delivered_at', code: 'not_shipped', message: 'record the shipment (carrier, tracking_no) first' }]);
    if (deliveredAt && shippedAt && deliveredAt < shippedAt) throw validationError([{ field: 'delivered_at', code: 'before_shipped', message: 'must not be before shipped_at' }]);
    const updated = await trx
      .updateTable('experience_applications')
      .set({ carrier, tracking_no: trackingNo, shipped_at: shippedAt, delivered_at: deliveredAt })
      .where('tenant_id', '=', ctx.tenantId)
      .where('member_id', '=', row.member_id)
      .where('id', '=', applicationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, { action: 'experience.shipment_update', resourceType: 'experience_application', resourceId: applicationId, details: { carrier, shipped: shippedAt !== null, delivered: deliveredAt !== null } });
    return (await serializeApplications(trx, ctx.tenantId, [updated]))[0]!;
  });
}
