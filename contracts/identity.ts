import { z } from 'zod';
import { Role } from './roles.js';
import { DivisionCode, Uscc } from './values.js';

export const REGION_LEVELS = ['province', 'city', 'district'] as const;
export const RegionView = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  level: z.enum(REGION_LEVELS),
  parentCode: z.string().nullable(),
});
export type RegionView = z.infer<typeof RegionView>;

export const ORGANISATION_KINDS = ['trading_center', 'tenderee', 'agency', 'bidder', 'authority', 'institution'] as const;
export const OrganisationKind = z.enum(ORGANISATION_KINDS);

export const OrganisationView = z.object({
  id: z.number().int(),
  uscc: z.string(),
  name: z.string(),
  kind: OrganisationKind,
  regionCode: z.string(),
});
export type OrganisationView = z.infer<typeof OrganisationView>;

export const CreateOrganisationRequest = z.strictObject({
  uscc: Uscc,
  name: z.string().trim().min(2).max(200),
  kind: OrganisationKind,
  regionCode: DivisionCode,
});
export type CreateOrganisationRequest = z.infer<typeof CreateOrganisationRequest>;

export const OrganisationQuery = z.strictObject({
  regionCode: DivisionCode.optional(),
  q: z.string().trim().max(100).optional(),
});

export const UscCheckRequest = z.strictObject({ uscc: Uscc });

export const ChangeRoleRequest = z.strictObject({ role: Role });

export const AdminUserView = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  regionCode: z.string(),
  organisationId: z.number().int().nullable(),
  status: z.enum(['active', 'disabled']),
});
export type AdminUserView = z.infer<typeof AdminUserView>;

export const RegionParams = z.strictObject({ code: DivisionCode });
