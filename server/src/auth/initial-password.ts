import { randomInt } from 'node:crypto';
import type { Types } from 'mongoose';
import type { AppContext } from '../context.ts';
import { userModel } from '../users/model.ts';
import { sessionModel } from './model.ts';
import { hashPassword } from './passwords.ts';
import { endSession } from './sessions.ts';

// No 0/o, 1/l/i: the password is read out or copied by hand once.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/**
 * A first password for an account a coordinator creates: four groups of five
 * characters (about 99 bits). Returned once in the response; only its hash is stored.
 */
export function newInitialPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 5; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * Replaces a forgotten password with a new first one for the coordinator to
 * hand over: the old one stops working, every session of the account ends
 * (its open pages and sockets close), and the person is asked for their own
 * at the next sign-in. Returns the new password; only its hash is kept.
 */
export async function resetToInitialPassword(
  ctx: AppContext,
  userId: Types.ObjectId,
): Promise<string> {
  const password = newInitialPassword();
  // The epoch bump refuses sessions opened with the old password that are stored after
  // the sweep below has looked (a sign-in that checked it a moment before this update).
  await userModel(ctx.conn).updateOne(
    { _id: userId },
    {
      $set: { passwordHash: await hashPassword(password), passwordChangeDue: true },
      $unset: { credentialSession: '' },
      $inc: { credentialEpoch: 1 },
    },
  );
  // Ended now rather than at their next request, so their open pages and sockets close.
  const open = await sessionModel(ctx.conn).find({ userId, endedAt: null }, { _id: 1 }).lean();
  for (const s of open) await endSession(ctx, s._id, 'password_reset');
  return password;
}
