/**
 * The words the site uses, once for both languages: each term a resident meets, with what it means,
 * and the variants the texts must not use instead. The glossary page shows it; a test checks every
 * text against it, and keeps the technical words to the observers' sections (TECHNICAL_SECTIONS).
 */
import type { Lang } from "../i18n";

export interface Term {
  id: string;
  term: Record<Lang, string>;
  meaning: Record<Lang, string>;
  /** Other words for the same thing that would confuse a reader; no text may use them. */
  avoid: Record<Lang, string[]>;
}

export const GLOSSARY: Term[] = [
  {
    id: "veche",
    term: { en: "Veche", ru: "Вече" },
    meaning: {
      en: "The city's voting site. The veche was the popular assembly of medieval Novgorod.",
      ru: "Городской сайт голосований. Вече — народное собрание средневекового Новгорода.",
    },
    avoid: { en: [], ru: ["Veche"] },
  },
  {
    id: "ballot",
    term: { en: "ballot", ru: "бюллетень" },
    meaning: {
      en: "Your answers to a poll's questions, signed on your device and recorded on the ledger.",
      ru: "Ваши ответы на вопросы опроса, подписанные на вашем устройстве и записанные в реестр.",
    },
    avoid: { en: ["vote slip"], ru: ["голос-бюллетень"] },
  },
  {
    id: "voterKey",
    term: { en: "voter key", ru: "ключ голосования" },
    meaning: {
      en: "A secret your browser keeps, locked with your password, that signs your ballots. The city knows which key is yours but never sees the key itself.",
      ru: "Секрет, который хранит ваш браузер под защитой пароля; им подписываются ваши бюллетени. Город знает, какой ключ ваш, но сам ключ не видит.",
    },
    avoid: { en: ["wallet", "private key"], ru: ["ключ избирателя", "кошелёк", "приватный ключ"] },
  },
  {
    id: "ledger",
    term: { en: "public ledger", ru: "открытый реестр" },
    meaning: {
      en: "The city's record of every ballot and every staff action. Anyone can read it and recount a poll from it.",
      ru: "Городская запись всех бюллетеней и действий сотрудников. Любой может её прочитать и пересчитать по ней опрос.",
    },
    avoid: { en: [], ru: ["леджер"] },
  },
  {
    id: "receipt",
    term: { en: "receipt", ru: "квитанция" },
    meaning: {
      en: "A small file that proves your ballot is on the ledger as you cast it. Keep it to check your vote later.",
      ru: "Небольшой файл, доказывающий, что ваш бюллетень записан в реестр таким, каким вы его подали. Сохраните его, чтобы проверить голос позже.",
    },
    avoid: { en: [], ru: ["чек", "расписка"] },
  },
  {
    id: "changeVote",
    term: { en: "change your vote", ru: "изменить голос" },
    meaning: {
      en: "In polls that allow it, you may vote again until the poll closes. Only your latest ballot counts; earlier ones stay on the ledger, marked as replaced.",
      ru: "В опросах, где это разрешено, можно проголосовать ещё раз до закрытия опроса. Учитывается только последний бюллетень; прежние остаются в реестре с пометкой «заменён».",
    },
    avoid: { en: ["re-cast"], ru: ["переголосовать"] },
  },
  {
    id: "points",
    term: { en: "points", ru: "баллы" },
    meaning: {
      en: "Your first ballot in a poll earns its points. Spend them on rewards the city offers.",
      ru: "Первый бюллетень в опросе приносит его баллы. Их можно обменять на поощрения от города.",
    },
    avoid: { en: ["tokens", "coins"], ru: ["токены", "монеты", "очки"] },
  },
  {
    id: "recount",
    term: { en: "recount", ru: "пересчёт" },
    meaning: {
      en: "Your browser reads every ballot of a poll from the ledger, counts them itself and compares the result with the ledger's own count.",
      ru: "Браузер читает все бюллетени опроса из реестра, сам их подсчитывает и сравнивает итог с подсчётом реестра.",
    },
    avoid: { en: [], ru: [] },
  },
  {
    id: "secretPoll",
    term: { en: "secret poll", ru: "тайный опрос" },
    meaning: {
      en: "A poll where nobody, not even the city, can link a ballot to the resident who cast it. It earns no points, since points would record who took part.",
      ru: "Опрос, в котором никто, даже город, не может связать бюллетень с тем, кто его подал. Баллов он не приносит: они записали бы, кто участвовал.",
    },
    avoid: { en: ["anonymous poll"], ru: ["анонимный опрос"] },
  },
  {
    id: "identity",
    term: { en: "anonymous identity", ru: "анонимное удостоверение" },
    meaning: {
      en: "A second secret your browser keeps beside the voter key, locked with your password. In a secret poll it proves you may vote without saying who you are; only its public fingerprint is registered.",
      ru: "Второй секрет, который браузер хранит рядом с ключом голосования под защитой пароля. В тайном опросе он доказывает, что вы можете голосовать, не называя себя; регистрируется только его открытый отпечаток.",
    },
    avoid: { en: ["semaphore identity"], ru: ["анонимная личность", "анонимный идентификатор"] },
  },
];

/**
 * Words for the machinery under the ledger. They are right in the observers' sections and in
 * "Technical details", and nowhere else.
 */
export const TECHNICAL_WORDS: Record<Lang, RegExp> = {
  en: /\b(merkle|leaf|leaves|revision|hash|blockchain|transaction|block)\b/i,
  ru: /(меркл|(?<!\p{L})лист(а|у|ом|е|ы|ов)?(?!\p{L})|верси[яиюей]|хеш|блокчейн|транзакци|(?<!\p{L})блок(а|у|ом|е|и|ов)?(?!\p{L}))/iu,
};

/** Message key prefixes of observers' and technical texts, where TECHNICAL_WORDS may appear. */
export const TECHNICAL_SECTIONS = ["tech.", "recount.", "ledger.", "verify.tech", "error."];
