/**
 * The choice bitmap a ballot carries: question q owns the next `options` bits after the questions
 * before it; a set bit is a chosen option. Mirrors contracts/libraries/ChoiceCodec.sol.
 */
export interface Question {
  /** Number of options, 2 to 255. */
  options: number;
  /** Most options a voter may choose; 1 for a single-choice question. */
  maxChoices: number;
}

export const MAX_QUESTIONS = 16;
export const MAX_OPTIONS = 256;
/** A re-vote poll keeps a 16-bit revision beside the choices in each resident's record. */
export const MAX_OPTIONS_WITH_REVOTE = 240;
export const MAX_REVISION = 0xffff;

export class ChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChoiceError";
  }
}

export function totalOptions(questions: readonly Question[]): number {
  return questions.reduce((sum, q) => sum + q.options, 0);
}

/** The bit of option `option` of question `question`. */
export function optionBit(questions: readonly Question[], question: number, option: number): number {
  const q = questions[question];
  if (!q || !Number.isInteger(option) || option < 0 || option >= q.options) {
    throw new ChoiceError(`no option ${option} in question ${question}`);
  }
  return totalOptions(questions.slice(0, question)) + option;
}

/** Packs one list of chosen option numbers per question into the ballot's bitmap. */
export function encodeChoices(questions: readonly Question[], selected: readonly (readonly number[])[]): bigint {
  if (selected.length !== questions.length) {
    throw new ChoiceError(`expected answers to ${questions.length} questions, got ${selected.length}`);
  }
  let choices = 0n;
  selected.forEach((options, question) => {
    for (const option of options) choices |= 1n << BigInt(optionBit(questions, question, option));
  });
  if (!isValidChoices(questions, choices))
    throw new ChoiceError("each question needs 1 to maxChoices distinct options");
  return choices;
}

/** The chosen option numbers per question. */
export function decodeChoices(questions: readonly Question[], choices: bigint): number[][] {
  let rest = choices;
  return questions.map((q) => {
    const chosen: number[] = [];
    for (let option = 0; option < q.options; option++) {
      if ((rest >> BigInt(option)) & 1n) chosen.push(option);
    }
    rest >>= BigInt(q.options);
    return chosen;
  });
}

/** The contract's rule: 1..maxChoices options per question and no bit past the last option. */
export function isValidChoices(questions: readonly Question[], choices: bigint): boolean {
  if (choices < 0n || choices >= 1n << 256n) return false;
  let rest = choices;
  for (const q of questions) {
    const mask = (1n << BigInt(q.options)) - 1n;
    const chosen = popcount(rest & mask);
    if (chosen === 0 || chosen > q.maxChoices) return false;
    rest >>= BigInt(q.options);
  }
  return rest === 0n;
}

/** Whether the contract accepts these questions for a poll. */
export function isValidQuestions(questions: readonly Question[], revote: boolean): boolean {
  if (questions.length === 0 || questions.length > MAX_QUESTIONS) return false;
  const shapeOk = questions.every(
    (q) =>
      Number.isInteger(q.options) &&
      Number.isInteger(q.maxChoices) &&
      q.options >= 2 &&
      q.options <= 255 &&
      q.maxChoices >= 1 &&
      q.maxChoices <= q.options,
  );
  return shapeOk && totalOptions(questions) <= (revote ? MAX_OPTIONS_WITH_REVOTE : MAX_OPTIONS);
}

function popcount(value: bigint): number {
  let count = 0;
  for (let v = value; v !== 0n; v &= v - 1n) count++;
  return count;
}
