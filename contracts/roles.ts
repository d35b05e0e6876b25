import { z } from 'zod';

/** Platform roles. A user holds exactly one. */
export const ROLES = ['admin', 'center_staff', 'agent', 'bidder', 'expert', 'official', 'supervisor'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
