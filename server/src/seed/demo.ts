import type { Types } from 'mongoose';
import type { PlanTemplateId, Role, TeamRole } from '@tandem/shared';
import type { AppContext } from '../context.ts';
import { hashPassword } from '../auth/passwords.ts';
import { userModel } from '../users/model.ts';
import { teamModel } from '../teams/model.ts';
import { patientModel } from '../patients/model.ts';
import { planModel } from '../plans/model.ts';
import { initPlanContent } from '../plans/content.ts';
import { seedCheckIns } from './checkins.ts';
import { isDuplicateKey } from '../db/duplicate-key.ts';

export const DEMO_PASSWORD = 'tandem-demo';

type DemoTeam = {
  name: string;
  members: { email: string; name: string; role: TeamRole }[];
  patients: {
    email: string;
    name: string;
    dateOfBirth: string;
    planTitle: string;
    template: PlanTemplateId;
    /** A history of fortnightly check-ins, followed up by the team's prescriber. */
    checkIns?: boolean;
  }[];
};

/** The demo care teams of the design handbook (§4). Every password is `tandem-demo`. */
export const DEMO_TEAMS: DemoTeam[] = [
  {
    name: 'North Team',
    members: [
      { email: 'prescriber@demo.test', name: 'Dr. Maya Okafor', role: 'prescriber' },
      { email: 'therapist@demo.test', name: 'Sam Rivera, LCSW', role: 'therapist' },
      { email: 'coordinator@demo.test', name: 'Jordan Lee', role: 'coordinator' },
    ],
    patients: [
      {
        email: 'patient@demo.test',
        name: 'Alex Morgan',
        dateOfBirth: '1991-04-12',
        planTitle: 'Depression and anxiety: combined care plan',
        template: 'depression-anxiety',
        checkIns: true,
      },
    ],
  },
  {
    name: 'South Team',
    members: [{ email: 'prescriber2@demo.test', name: 'Dr. Priya Nair', role: 'prescriber' }],
    patients: [
      {
        email: 'patient2@demo.test',
        name: 'Casey Brooks',
        dateOfBirth: '1986-09-30',
        planTitle: 'ADHD and sleep: treatment plan',
        template: 'adhd',
      },
    ],
  },
];

export type SeededPlan = { planId: string; patientEmail: string; teamName: string };

/**
 * Seeds the demo teams into an empty database (no users yet), each patient's
 * plan filled from a template. Returns the created plans.
 */
export async function seedDemo(ctx: AppContext): Promise<SeededPlan[]> {
  const Users = userModel(ctx.conn);
  if ((await Users.countDocuments({})) > 0) return [];
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const Teams = teamModel(ctx.conn);
  const Patients = patientModel(ctx.conn);
  const Plans = planModel(ctx.conn);
  const seeded: SeededPlan[] = [];

  const createUser = async (email: string, name: string, role: Role): Promise<Types.ObjectId> => {
    const u = await Users.create({ email, name, role, passwordHash, status: 'active' });
    return u._id;
  };

  try {
    for (const t of DEMO_TEAMS) {
      const members = [];
      for (const m of t.members) {
        members.push({ userId: await createUser(m.email, m.name, m.role), role: m.role });
      }
      const team = await Teams.create({ name: t.name, members });
      for (const p of t.patients) {
        const userId = await createUser(p.email, p.name, 'patient');
        const patient = await Patients.create({
          teamId: team._id,
          userId,
          name: p.name,
          dateOfBirth: p.dateOfBirth,
        });
        const plan = await Plans.create({
          patientId: patient._id,
          teamId: team._id,
          title: p.planTitle,
          template: p.template,
        });
        const prescriber = t.members.find((m) => m.role === 'prescriber');
        const therapist = t.members.find((m) => m.role === 'therapist');
        await initPlanContent(ctx, String(plan._id), p.template, {
          userId: String(members.find((m) => m.role === 'prescriber')?.userId ?? userId),
          start: new Date(ctx.clock.now()).toISOString().slice(0, 10),
          ...(prescriber ? { prescriber: prescriber.name } : {}),
          ...(therapist ? { therapist: therapist.name } : {}),
        });
        if (p.checkIns) {
          const by = members.find((m) => m.role === 'prescriber')!;
          await seedCheckIns(
            ctx,
            String(plan._id),
            { id: String(userId), name: p.name },
            { id: String(by.userId), name: prescriber!.name },
          );
        }
        seeded.push({ planId: String(plan._id), patientEmail: p.email, teamName: t.name });
      }
    }
  } catch (err) {
    // Another instance seeding the same empty database at the same moment wins.
    if (isDuplicateKey(err)) return [];
    throw err;
  }
  ctx.log.info({ teams: DEMO_TEAMS.length, plans: seeded.length }, 'demo data seeded');
  return seeded;
}
