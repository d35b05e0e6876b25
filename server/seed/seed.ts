import { hashPassword, type IdentityService } from '../modules/identity/index.js';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_REGIONS, DEMO_USERS } from './demo-data.js';

export interface SeedResult {
  seeded: boolean;
  organisations: Record<string, number>;
  users: Record<string, number>;
}

/**
 * Loads the demo data set into an empty database (no users yet); leaves a used one alone. Regions
 * are inserted if missing, since the tree is reference data every deployment needs.
 */
export async function seedDemo(identity: IdentityService, scryptLogN: number): Promise<SeedResult> {
  const { Region, User, Organisation, ExpertProfile } = identity.models;
  for (const region of DEMO_REGIONS) {
    // Parents come first in DEMO_REGIONS, so the foreign key always finds them.
    await Region.findOrCreate({ where: { code: region.code }, defaults: region });
  }
  await identity.regions.load();
  if ((await User.count()) > 0) {
    const organisations = Object.fromEntries((await Organisation.findAll()).map((o) => [o.uscc, o.id]));
    const users = Object.fromEntries((await User.findAll()).map((u) => [u.username, u.id]));
    return { seeded: false, organisations, users };
  }
  const organisations: Record<string, number> = {};
  for (const { key, ...org } of DEMO_ORGANISATIONS) {
    organisations[key] = (await identity.createOrganisation(null, org)).id;
  }
  // Hash in parallel (scrypt runs on libuv's pool), create in a fixed order for a stable audit trail.
  const hashes = await Promise.all(DEMO_USERS.map(() => hashPassword(DEMO_PASSWORD, scryptLogN)));
  const users: Record<string, number> = {};
  for (const [index, user] of DEMO_USERS.entries()) {
    const row = await identity.createUser(null, {
      username: user.username,
      password: DEMO_PASSWORD,
      passwordHash: hashes[index]!,
      displayName: user.displayName,
      role: user.role,
      regionCode: user.regionCode,
      organisationId: user.organisation ? organisations[user.organisation]! : null,
    });
    users[user.username] = row.id;
    if (user.expert) {
      const employer = DEMO_ORGANISATIONS.find((o) => o.key === user.expert!.employer)!;
      await ExpertProfile.create({
        userId: row.id,
        specialties: JSON.stringify(user.expert.specialties),
        qualificationLevel: user.expert.qualificationLevel,
        employerOrganisationId: organisations[employer.key]!,
        employerName: employer.name,
        idNumber: user.expert.idNumber,
      });
    }
  }
  return { seeded: true, organisations, users };
}
