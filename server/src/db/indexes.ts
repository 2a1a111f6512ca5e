import type { Connection } from 'mongoose';
import { userModel } from '../users/model.ts';
import { teamModel } from '../teams/model.ts';
import { patientModel } from '../patients/model.ts';
import { planModel } from '../plans/model.ts';
import { sessionModel } from '../auth/model.ts';
import { deviceKeyModel } from '../auth/device-keys.ts';
import { auditModel } from '../audit/model.ts';
import { commentModel } from '../comments/model.ts';
import { notificationModel } from '../notifications/model.ts';
import { signatureModel, versionModel } from '../versions/model.ts';
import { decisionModel, proposalModel } from '../proposals/model.ts';
import { interactionAckModel } from '../interactions/model.ts';
import { checkInModel, followUpClaimModel } from '../checkins/model.ts';
import {
  actionItemModel,
  attendanceModel,
  conferenceModel,
  conferenceDecisionModel,
  stateModel,
} from '../conference/model.ts';

/**
 * Creates the collections and indexes the domains declare. Runs at start-up
 * (autoIndex is off so a slow index build never races the first request).
 */
export async function ensureIndexes(conn: Connection): Promise<void> {
  for (const model of [
    userModel(conn),
    teamModel(conn),
    patientModel(conn),
    planModel(conn),
    sessionModel(conn),
    deviceKeyModel(conn),
    auditModel(conn),
    commentModel(conn),
    notificationModel(conn),
    versionModel(conn),
    signatureModel(conn),
    proposalModel(conn),
    decisionModel(conn),
    interactionAckModel(conn),
    checkInModel(conn),
    followUpClaimModel(conn),
    conferenceModel(conn),
    stateModel(conn),
    attendanceModel(conn),
    conferenceDecisionModel(conn),
    actionItemModel(conn),
  ]) {
    await model.createCollection().catch(() => {});
    await model.createIndexes();
  }
}
