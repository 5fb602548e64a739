import type { Db } from '../../db/database.ts';
import type { AppDeps, RequestContext } from '../../deps.ts';

export interface MergeArgs {
  fromMemberId: string;
  toMemberId: string;
}

/** Moves a module's rows from a merged member to the survivor, in the merge's transaction; returns rows moved. */
export interface MemberMergeHandler {
  name: string;
  move(trx: Db, ctx: RequestContext, args: MergeArgs): Promise<number>;
}

/** Removes or anonymizes a module's personal data of an erased member, in the erasure's transaction. */
export interface MemberEraseHandler {
  name: string;
  erase(trx: Db, ctx: RequestContext, memberId: string): Promise<number>;
}

/** Adds a section (points, tier, coupons …) to the member 360 view and the data-subject export. */
export interface MemberSection {
  name: string;
  load(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<unknown>;
  /** What the data-subject export shows instead of `load`, when the section masks personal data (an address). */
  export?(deps: AppDeps, ctx: RequestContext, memberId: string): Promise<unknown>;
}

/**
 * How other modules extend members without editing this module: they register merge and erase handlers and 360
 * sections at start (HearthModule.memberHooks), and the members module calls them.
 */
export interface MemberHooks {
  onMerge(handler: MemberMergeHandler): void;
  onErase(handler: MemberEraseHandler): void;
  addSection(section: MemberSection): void;
  mergeHandlers(): readonly MemberMergeHandler[];
  eraseHandlers(): readonly MemberEraseHandler[];
  sections(): readonly MemberSection[];
}

export function createMemberHooks(): MemberHooks {
  const merges: MemberMergeHandler[] = [];
  const erasures: MemberEraseHandler[] = [];
  const sections: MemberSection[] = [];
  return {
    onMerge: (handler) => void merges.push(handler),
    onErase: (handler) => void erasures.push(handler),
    addSection: (section) => void sections.push(section),
    mergeHandlers: () => merges,
    eraseHandlers: () => erasures,
    sections: () => sections,
  };
}
