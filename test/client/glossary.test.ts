/**
 * One glossary for both languages: every text of the site uses the glossary's terms, never the
 * variants it rules out, and technical words (Merkle, leaf, revision, hash, block…) appear only in
 * the observers' sections. Checks the dictionaries themselves; the browser tests check the pages.
 */
import { expect } from "chai";
import { en } from "../../client/src/messages/en";
import { ru } from "../../client/src/messages/ru";
import { GLOSSARY, TECHNICAL_SECTIONS, TECHNICAL_WORDS } from "../../client/src/messages/glossary";

const dictionaries = { en, ru } as const;
const technical = (key: string) => TECHNICAL_SECTIONS.some((prefix) => key.startsWith(prefix));

describe("client texts: one glossary", function () {
  it("gives every key in both languages, none empty", function () {
    expect(Object.keys(ru).sort()).to.deep.equal(Object.keys(en).sort());
    for (const [lang, dict] of Object.entries(dictionaries)) {
      for (const [key, text] of Object.entries(dict)) expect(text.trim(), `${lang} ${key}`).to.not.equal("");
    }
  });

  it("never uses a variant the glossary rules out", function () {
    const found: string[] = [];
    for (const term of GLOSSARY) {
      for (const lang of ["en", "ru"] as const) {
        for (const [key, text] of Object.entries(dictionaries[lang])) {
          for (const variant of term.avoid[lang]) {
            if (text.toLocaleLowerCase(lang).includes(variant.toLocaleLowerCase(lang)))
              found.push(`${lang} ${key}: "${variant}"`);
          }
        }
      }
    }
    expect(found).to.deep.equal([]);
  });

  it("keeps technical words to the observers' sections", function () {
    const found: string[] = [];
    for (const lang of ["en", "ru"] as const) {
      for (const [key, text] of Object.entries(dictionaries[lang])) {
        if (!technical(key) && TECHNICAL_WORDS[lang].test(text)) found.push(`${lang} ${key}: ${text}`);
      }
    }
    expect(found).to.deep.equal([]);
  });

  it("gives every plural placeholder the forms its language needs: two in English, three in Russian", function () {
    const forms = (text: string) =>
      [...text.matchAll(/\{(\w+)\|([^}]*)\}/g)].map((m) => (m[2] ?? "").split("|").length);
    for (const [key, text] of Object.entries(en)) {
      expect(
        forms(text).every((n) => n === 2),
        `en ${key}`,
      ).to.equal(true);
      expect(
        forms(ru[key as keyof typeof en]).every((n) => n === 3),
        `ru ${key}`,
      ).to.equal(true);
    }
  });

  it("calls the site and the voter key by one name in each language", function () {
    expect([en["app.name"], ru["app.name"]]).to.deep.equal(["Veche", "Вече"]);
    expect(ru["footer.text"]).to.match(/^Вече:/);
    expect(ru["nav.key"]).to.equal("Ключ голосования");
    expect(Object.values(ru).join(" ")).to.not.match(/ключ избирателя/i);
  });

  it("catches what it is meant to catch", function () {
    expect(TECHNICAL_WORDS.ru.test("лист 3 дерева")).to.equal(true);
    expect(TECHNICAL_WORDS.ru.test("корень дерева Меркла")).to.equal(true);
    expect(TECHNICAL_WORDS.ru.test("версия 2")).to.equal(true);
    expect(TECHNICAL_WORDS.ru.test("Голосуют все жители города.")).to.equal(false);
    expect(TECHNICAL_WORDS.en.test("leaf 0 of the 1 ballots")).to.equal(true);
    expect(TECHNICAL_WORDS.en.test("Your ballot is counted.")).to.equal(false);
  });
});
