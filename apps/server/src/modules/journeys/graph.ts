import { branchesOf, type JourneyGraph, type JourneyNode, type Trigger } from '@hearth/contracts/journeys';
import type { FieldError } from '../../http/errors.ts';
import { titleTemplateProblem } from '../guides/tasks.service.ts';

/**
 * What publishing refuses, each problem naming its field (`graph.nodes.3`, `graph.edges.1.to`): exactly one
 * trigger, edges between existing nodes, every branch of every step leads somewhere, every step reachable
 * and able to reach an exit, and no loop that could spin without a wait.
 */
export function graphProblems(graph: JourneyGraph): FieldError[] {
  const problems: FieldError[] = [];
  const add = (field: string, code: string, message: string) => problems.push({ field: `graph.${field}`, code, message });
  const index = new Map<string, number>();
  graph.nodes.forEach((node, i) => {
    if (index.has(node.id)) add(`nodes.${i}.id`, 'duplicate_id', `node id ${node.id} is used twice`);
    else index.set(node.id, i);
  });
  const triggers = graph.nodes.filter((n) => n.type === 'trigger');
  if (triggers.length !== 1) add('nodes', 'one_trigger', `a journey has exactly one trigger (found ${triggers.length})`);

  const seen = new Set<string>();
  graph.edges.forEach((edge, i) => {
    const from = index.has(edge.from) ? graph.nodes[index.get(edge.from)!]! : undefined;
    if (!from) add(`edges.${i}.from`, 'unknown_node', `no node ${edge.from}`);
    if (!index.has(edge.to)) add(`edges.${i}.to`, 'unknown_node', `no node ${edge.to}`);
    else if (graph.nodes[index.get(edge.to)!]!.type === 'trigger') add(`edges.${i}.to`, 'into_trigger', 'nothing leads into the trigger');
    if (!from) return;
    const key = `${edge.from}\u0000${edge.branch}`;
    if (seen.has(key)) add(`edges.${i}.branch`, 'duplicate_branch', `${edge.from} has two ${edge.branch} edges`);
    seen.add(key);
    if (!branchesOf(from).includes(edge.branch)) add(`edges.${i}.branch`, 'unknown_branch', `${from.type} ${edge.from} has no branch ${edge.branch} (it has: ${branchesOf(from).join(', ') || 'none'})`);
  });
  graph.nodes.forEach((node, i) => {
    for (const branch of branchesOf(node)) {
      if (!seen.has(`${node.id}\u0000${branch}`)) add(`nodes.${i}`, 'branch_missing', `${node.type} ${node.id}: the ${branch} branch leads nowhere (end it with an exit)`);
    }
    if (node.type === 'split') {
      const arms = new Set<string>();
      node.config.arms.forEach((arm, a) => {
        if (arms.has(arm.id)) add(`nodes.${i}.config.arms.${a}.id`, 'duplicate_id', `arm ${arm.id} is used twice`);
        arms.add(arm.id);
      });
      if (node.config.arms.filter((a) => a.holdout).length > 1) add(`nodes.${i}.config.arms`, 'one_holdout', 'at most one holdout arm');
    }
    if (node.type === 'guide_task') {
      const problem = titleTemplateProblem(node.config.title);
      if (problem) add(`nodes.${i}.config.title`, 'invalid_template', problem);
    }
  });
  if (problems.length || triggers.length !== 1) return problems;

  const next = successors(graph);
  const reachable = walk([triggers[0]!.id], (id) => next.get(id) ?? []);
  graph.nodes.forEach((node, i) => {
    if (!reachable.has(node.id)) add(`nodes.${i}`, 'unreachable', `${node.id} cannot be reached from the trigger`);
  });
  const previous = new Map<string, string[]>();
  for (const [from, tos] of next) for (const to of tos) previous.set(to, [...(previous.get(to) ?? []), from]);
  const ends = graph.nodes.filter((n) => n.type === 'exit' || (n.type === 'split' && n.config.arms.some((a) => a.holdout))).map((n) => n.id);
  const canEnd = walk(ends, (id) => previous.get(id) ?? []);
  graph.nodes.forEach((node, i) => {
    if (reachable.has(node.id) && !canEnd.has(node.id)) add(`nodes.${i}`, 'no_exit', `no path from ${node.id} reaches an exit`);
  });
  const loop = cycleWithoutWait(graph, next);
  if (loop) add(`nodes.${index.get(loop[0]!)!}`, 'cycle_without_wait', `the loop ${loop.join(' → ')} has no wait and could run forever`);
  return problems;
}

export function triggerOf(graph: JourneyGraph): Trigger {
  const node = graph.nodes.find((n) => n.type === 'trigger');
  if (!node || node.type !== 'trigger') throw new Error('a published journey has a trigger');
  return node.config;
}

/** How the engine finds the journeys an event starts (journeys.trigger_key). */
export function triggerKey(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'event':
      return trigger.event_type;
    case 'segment_entered':
      return `segment.entered:${trigger.segment_id}`;
    case 'segment_exited':
      return `segment.exited:${trigger.segment_id}`;
    case 'geofence':
      return 'geofence.entered';
    case 'date':
      return 'date';
    case 'api':
      return 'api';
  }
}

export function nodeById(graph: JourneyGraph, id: string): JourneyNode | undefined {
  return graph.nodes.find((n) => n.id === id);
}

export function nextStep(graph: JourneyGraph, from: string, branch: string): string | undefined {
  return graph.edges.find((e) => e.from === from && e.branch === branch)?.to;
}

function successors(graph: JourneyGraph): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  return next;
}

function walk(start: string[], step: (id: string) => string[]): Set<string> {
  const seen = new Set(start);
  const stack = [...start];
  while (stack.length) for (const n of step(stack.pop()!)) if (!seen.has(n)) (seen.add(n), stack.push(n));
  return seen;
}

/** A cycle among the nodes that are not waits (a loop through a wait advances only when time passes). */
function cycleWithoutWait(graph: JourneyGraph, next: Map<string, string[]>): string[] | undefined {
  const waits = new Set(graph.nodes.filter((n) => n.type === 'wait').map((n) => n.id));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    path.push(id);
    for (const to of next.get(id) ?? []) {
      if (waits.has(to)) continue;
      if (state.get(to) === 'open') return path.slice(path.indexOf(to)).concat(to);
      if (!state.has(to)) {
        const found = visit(to);
        if (found) return found;
      }
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const node of graph.nodes) {
    if (waits.has(node.id) || state.has(node.id)) continue;
    const found = visit(node.id);
    if (found) return found;
  }
  return undefined;
}
