import type { AppDeps, RequestContext } from '../../deps.ts';
import { apply } from './applications.service.ts';
import { submitFeedback } from './feedback.service.ts';
import { setAddress, updateShipment } from './fulfilment.service.ts';
import { createProgram } from './programs.service.ts';
import { confirmSelection, proposeSelection } from './selection.service.ts';

const DAY = 86_400_000;
const provinces = ['上海', '北京', '广东', '上海', '浙江', '四川', '北京', '上海'];

/** A demo 体验官 program for the console's first start: eight applicants, three selected, one shipped and reviewed. */
export async function seedDemoExperience(deps: AppDeps, ctx: RequestContext, memberIds: string[]) {
  const now = deps.clock.now().getTime();
  const program = await createProgram(deps, ctx, {
    name: '耶加雪菲新豆体验官',
    description: '招募 3 位咖啡爱好者抢先试喝新一季耶加雪菲，收到后两周内提交风味反馈即可获得 300 积分。',
    sku: 'BEAN-YIRGA-250',
    places: 3,
    apply_from: new Date(now - 3 * DAY).toISOString(),
    apply_until: new Date(now + 4 * DAY).toISOString(),
    feedback_due_at: new Date(now + 30 * DAY).toISOString(),
    eligibility: {},
    questionnaire: [
      { key: 'brew', label: '常用的冲煮方式', type: 'single', options: ['手冲', '意式', '冷萃', '挂耳'], required: true, max_length: 500 },
      { key: 'why', label: '为什么想成为体验官', type: 'text', required: false, max_length: 300 },
    ],
    region_quotas: { 上海: 1 },
    feedback_form: { aspects: [{ key: 'aroma', label: '香气', required: true }, { key: 'acidity', label: '酸质', required: true }, { key: 'body', label: '醇厚度', required: true }], text_label: '风味描述', text_min_length: 30, photos_min: 0, photos_max: 3 },
    reward: { kind: 'points', points: 300 },
    late_policy: 'no_reward',
    reminder_days: [3, 1],
    selected_message: null,
  });
  for (const [i, memberId] of memberIds.slice(0, 8).entries()) {
    await apply(deps, ctx, memberId, program.id, { answers: { brew: ['手冲', '意式', '冷萃', '挂耳'][i % 4], why: '每天一杯手冲，想第一时间喝到新豆' }, province: provinces[i] });
  }
  const proposal = await proposeSelection(deps, ctx, program.id);
  await confirmSelection(deps, ctx, program.id, { application_ids: proposal.proposed.map((p) => p.application_id), reject_others: false });
  const first = proposal.proposed[0]!.application_id;
  const { member_id: memberId } = await deps.db.selectFrom('experience_applications').select('member_id').where('tenant_id', '=', ctx.tenantId).where('id', '=', first).executeTakeFirstOrThrow();
  await setAddress(deps, ctx, memberId, first, { recipient: '林晓', phone: '13800138000', province: '上海', city: '上海市', district: '静安区', line: '南京西路 1618 号' });
  await updateShipment(deps, ctx, first, { carrier: '顺丰', tracking_no: 'SF1400000001' });
  await submitFeedback(deps, ctx, memberId, first, {
    ratings: { aroma: 5, acidity: 4, body: 4 },
    text: '柑橘和茉莉花香很明显，酸质明亮干净，冷却后有蜂蜜般的甜感，手冲 92 度最好喝。',
    photo_urls: ['https://picsum.photos/seed/hearth-yirga/600/400'],
  });
}
