import type { TestApp } from './app.js';

let counter = 0;

/** Adds experts to the pool (users with an expert profile), as the pool's administrators would. */
export async function addExperts(
  app: TestApp,
  count: number,
  options: { specialty: string; regionCode: string; employer?: string; prefix?: string },
): Promise<number[]> {
  const ids: number[] = [];
  const employer = options.employer ? app.seed!.organisations[options.employer]! : null;
  const employerName = employer ? ((await app.services.identity.models.Organisation.findByPk(employer))?.name ?? '') : '江西省评标专家库（自由职业）';
  for (let i = 0; i < count; i++) {
    counter++;
    const username = `${options.prefix ?? 'pool'}${counter}`;
    const user = await app.services.identity.createUser(null, { username, password: 'x', passwordHash: 'scrypt$unused', displayName: `专家${counter}`, role: 'expert', regionCode: options.regionCode });
    await app.services.identity.models.ExpertProfile.create({ userId: user.id, specialties: JSON.stringify([options.specialty]), qualificationLevel: 'senior', employerOrganisationId: employer, employerName });
    ids.push(user.id);
  }
  return ids;
}
