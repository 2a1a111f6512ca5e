import { randomInt } from 'node:crypto';

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
