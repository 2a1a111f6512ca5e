import type { Action } from 'svelte/action';

/**
 * Shows a co-edited number in a number input (`use:liveNumber={m.dose}` in
 * place of `value=`). Every keystroke stores the whole number typed, and the
 * last one stored wins. Once this person types in the field, a colleague's
 * number waits until they leave it: put into the field mid-typing, the next
 * keystroke would extend it into a number neither of them typed ("150" and
 * "100" typed at once made "115000").
 */
export const liveNumber: Action<HTMLInputElement, number | null | undefined> = (input, value) => {
  let latest = value ?? null;
  let typing = false;

  const show = () => {
    const shown = input.value === '' ? null : Number(input.value);
    // "1." or "0.50" being typed stays as it is while it means the stored number.
    if (shown !== latest) input.value = latest === null ? '' : String(latest);
  };
  const typed = () => (typing = true);
  const left = () => {
    typing = false;
    show();
  };
  input.addEventListener('input', typed);
  input.addEventListener('blur', left);
  show();

  return {
    update(next) {
      latest = next ?? null;
      if (!typing) show();
    },
    destroy() {
      input.removeEventListener('input', typed);
      input.removeEventListener('blur', left);
    },
  };
};
