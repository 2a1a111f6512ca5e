/** Words as a sentence lists them: "A", "A and B", "A, B and C". */
export function andList(words: string[]): string {
  return words.length <= 1
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
