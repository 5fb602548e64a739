import type { Role } from '@hearth/contracts/auth';

/**
 * The permission catalogue and the role matrix: the only place that decides who may do what.
 * New modules add their permissions here and grant them to roles in the same edit.
 */
export const permissionCatalogue = {
  'tenant:manage': '修改品牌设置 / Manage tenant settings',
  'operators:manage': '管理后台账号 / Manage operators',
  'api_keys:manage': '管理 API 密钥 / Manage API keys',
  'audit:read': '查看审计日志 / Read the audit log',
  'jobs:read': '查看后台任务 / Read background jobs',
  'jobs:write': '重试后台任务 / Retry background jobs',
  'stores:read': '查看门店 / Read stores',
  'stores:write': '管理门店 / Create, edit and import stores',
} as const;
export type Permission = keyof typeof permissionCatalogue;
export const allPermissions = Object.keys(permissionCatalogue) as Permission[];

const readOnly: Permission[] = ['stores:read', 'jobs:read', 'audit:read'];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  owner: allPermissions,
  admin: allPermissions.filter((p) => p !== 'tenant:manage'),
  operator: ['stores:read', 'stores:write', 'jobs:read', 'jobs:write'],
  analyst: readOnly,
  store_staff: ['stores:read'],
};

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(permissionCatalogue, value);
}
