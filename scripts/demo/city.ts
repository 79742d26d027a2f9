/**
 * The demo city: five districts, a generated register of residents, and polls shaped like Active
 * Citizen's, with their texts in English and Russian. Pure data; scripts/demo/seed.ts puts it in place.
 */
import type { PollFileInput } from "../cli/polls/pollFile";
import type { RewardInput } from "../cli/rewards/rewards";

export interface DemoDistrict {
  code: number;
  name: { en: string; ru: string };
  streets: string[];
}

export const DISTRICTS: DemoDistrict[] = [
  { code: 1, name: { en: "Arbat", ru: "Арбат" }, streets: ["Arbat St", "Bolshaya Molchanovka St"] },
  { code: 2, name: { en: "Tverskoy", ru: "Тверской" }, streets: ["Tverskaya St", "Petrovka St"] },
  {
    code: 3,
    name: { en: "Presnensky", ru: "Пресненский" },
    streets: ["Bolshaya Gruzinskaya St", "Krasnaya Presnya St"],
  },
  { code: 4, name: { en: "Khamovniki", ru: "Хамовники" }, streets: ["Komsomolsky Ave", "Ostozhenka St"] },
  { code: 5, name: { en: "Zamoskvorechye", ru: "Замоскворечье" }, streets: ["Pyatnitskaya St", "Bolshaya Ordynka St"] },
];

/** The renovation vote is for the residents of this district (the register holds no finer scope). */
export const RENOVATION_DISTRICT = 2;

export interface DemoResident {
  residentId: string;
  district: number;
  building: string;
}

/** Resident `i` (from 0): districts in turn, a few buildings per street. */
export function demoResident(i: number): DemoResident {
  const district = DISTRICTS[i % DISTRICTS.length] as DemoDistrict;
  const street = district.streets[Math.floor(i / DISTRICTS.length) % district.streets.length] as string;
  const number = 1 + 2 * (Math.floor(i / (DISTRICTS.length * district.streets.length)) % 6);
  return {
    residentId: `DEMO-${String(i + 1).padStart(5, "0")}`,
    district: district.code,
    building: `${street} ${number}`,
  };
}

const t = (en: string, ru: string) => ({ en, ru });

/** The demo polls by file name. */
export const DEMO_POLLS: Record<string, PollFileInput> = {
  "renovation-tverskoy": {
    title: t("Renovation of five-storey blocks in Tverskoy", "Реновация пятиэтажек в Тверском районе"),
    description: t(
      "Should the five-storey blocks on Tverskaya and Petrovka streets join the housing renovation programme? " +
        "Residents get new flats in the same district. Every resident of the Tverskoy district may vote; " +
        "the results are shown when the vote closes.",
      "Включить ли пятиэтажки на Тверской и Петровке в программу реновации? Жители получат новые квартиры " +
        "в том же районе. Голосуют все жители Тверского района; результаты будут показаны после окончания голосования.",
    ),
    questions: [
      {
        text: t("Do you support the renovation of your building?", "Вы поддерживаете реновацию вашего дома?"),
        options: [t("Yes", "Да"), t("No", "Нет")],
      },
    ],
    schedule: { duration: "14d" },
    scope: { districts: [RENOVATION_DISTRICT] },
    points: 10,
    // A binding vote: the site shows no running count.
    results: "afterClose",
  },
  "metro-line-name": {
    title: t("Name the new metro line", "Как назвать новую линию метро"),
    description: t(
      "The line from Nizhniye Kotly to Nekrasovka opens next year. Choose up to two names you like.",
      "Линия от Нижних Котлов до Некрасовки откроется в следующем году. Выберите до двух понравившихся названий.",
    ),
    questions: [
      {
        text: t("Which names do you like?", "Какие названия вам нравятся?"),
        maxChoices: 2,
        options: [
          t("Troitskaya", "Троицкая"),
          t("Biryulyovskaya", "Бирюлёвская"),
          t("Kozhukhovskaya", "Кожуховская"),
          t("Rublyovo-Arkhangelskaya", "Рублёво-Архангельская"),
          t("Novomoskovskaya", "Новомосковская"),
        ],
      },
    ],
    schedule: { duration: "7d" },
    scope: { cityWide: true },
    points: 15,
  },
  "streets-and-parks-survey": {
    title: t("Streets and parks: a short survey", "Улицы и парки: короткий опрос"),
    description: t(
      "Three questions that shape next year's plans for lawns, speed limits and bus routes.",
      "Три вопроса, от которых зависят планы на следующий год: газоны, ограничения скорости и автобусные маршруты.",
    ),
    questions: [
      {
        text: t("How often should city lawns be mown?", "Как часто косить городские газоны?"),
        options: [
          t("Every two weeks", "Раз в две недели"),
          t("Once a month", "Раз в месяц"),
          t("Leave meadows unmown", "Оставить луга некошеными"),
        ],
      },
      {
        text: t("What speed limit should the Garden Ring have?", "Какое ограничение скорости нужно на Садовом кольце?"),
        options: [t("40 km/h", "40 км/ч"), t("50 km/h", "50 км/ч"), t("60 km/h", "60 км/ч")],
      },
      {
        text: t("Which bus routes need more buses?", "На каких автобусных маршрутах нужно больше автобусов?"),
        maxChoices: 3,
        options: [
          t("B (Garden Ring)", "Б (Садовое кольцо)"),
          t("M2", "М2"),
          t("15", "15"),
          t("144", "144"),
          t("T25", "Т25"),
        ],
      },
    ],
    schedule: { duration: "30d" },
    scope: { cityWide: true },
    points: 20,
  },
  "courtyard-benches": {
    title: t("New benches for courtyards", "Новые скамейки во дворах"),
    description: t(
      "Should the city replace the benches in residential courtyards this spring? Results are shown once you have voted.",
      "Заменить ли этой весной скамейки во дворах жилых домов? Результаты видны после того, как вы проголосуете.",
    ),
    questions: [
      {
        text: t("Should your courtyard get new benches?", "Нужны ли в вашем дворе новые скамейки?"),
        options: [t("Yes", "Да"), t("No, keep the old ones", "Нет, оставить старые")],
      },
    ],
    schedule: { duration: "3d" },
    scope: { cityWide: true },
    points: 5,
    results: "afterVote",
  },
  "pyatnitskaya-pedestrian": {
    title: t("A pedestrian Pyatnitskaya on weekends?", "Пешеходная Пятницкая по выходным?"),
    description: t(
      "Close Pyatnitskaya Street to cars on Saturdays and Sundays this summer? You may change your vote until the poll closes.",
      "Закрывать Пятницкую улицу для машин по субботам и воскресеньям этим летом? Голос можно изменить до конца опроса.",
    ),
    questions: [
      {
        text: t("Should Pyatnitskaya be pedestrian on weekends?", "Сделать Пятницкую пешеходной по выходным?"),
        options: [t("Yes, all summer", "Да, всё лето"), t("Only in June", "Только в июне"), t("No", "Нет")],
      },
    ],
    schedule: { duration: "10d" },
    scope: { cityWide: true },
    revote: true,
    points: 10,
  },
};

/**
 * Polls the seeding closes after the demo ballots, finalizes, and publishes an outcome for, so the
 * site has a finished poll to show.
 */
export const DEMO_OUTCOMES: Record<string, { en: string; ru: string }> = {
  "courtyard-benches": t(
    "The city will install new benches in every courtyard that asked for them by the end of May.",
    "Город установит новые скамейки во всех дворах, где за это проголосовали, до конца мая.",
  ),
};

export const DEMO_REWARDS: Record<string, RewardInput> = {
  "theatre-ticket": {
    cost: 30,
    stock: 40,
    title: "Ticket to the Moscow Art Theatre",
    titleRu: "Билет во МХТ имени Чехова",
    description: "One seat at an evening performance of your choice.",
    descriptionRu: "Одно место на вечерний спектакль по выбору.",
  },
  "museum-pass": {
    cost: 20,
    stock: 100,
    title: "Day pass to the Museum of Moscow",
    titleRu: "Входной билет в Музей Москвы",
  },
};
