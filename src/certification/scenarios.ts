import { forms, type FormModule } from '../forms/index.js'

/** A scenario's title in English and in the languages of the forms it is about. */
export interface ScenarioTitle { readonly en: string; readonly sl?: string; readonly sk?: string }

/**
 * One certification scenario of SPEC.md §7. It passes when the gateway observes it (see report.ts); `forms` are the
 * forms it needs: where the gateway has none of them, the scenario is not asked for.
 */
export interface Scenario {
  readonly id: string
  readonly title: ScenarioTitle
  /** Which registered forms the scenario needs, as a test over a form. */
  readonly needs?: (form: FormModule) => boolean
}

const isReport = (f: FormModule): boolean => f.lifecycle === 'register-check'
const isSlovenian = (f: FormModule): boolean => f.country === 'SI'

/** What every vendor's program shows, whatever it files (SPEC.md §7), in the order a vendor meets them. */
const common: readonly Scenario[] = [
  {
    id: 'recover-malformed',
    title: {
      en: 'After a 400 XML_MALFORMED, filed a valid document of the same type',
      sl: 'Po odgovoru 400 XML_MALFORMED oddal veljaven dokument iste vrste',
      sk: 'Po odpovedi 400 XML_MALFORMED podal platný dokument rovnakého typu',
    },
  },
  {
    id: 'recover-schema',
    title: {
      en: 'After a 422 with a schema finding, filed a valid document of the same type',
      sl: 'Po odgovoru 422 z napako sheme oddal veljaven dokument iste vrste',
      sk: 'Po odpovedi 422 s chybou schémy podal platný dokument rovnakého typu',
    },
  },
  {
    id: 'recover-rule',
    title: {
      en: 'After a 422 with a rule finding, filed a valid document of the same type',
      sl: 'Po odgovoru 422 z napako kontrole oddal veljaven dokument iste vrste',
      sk: 'Po odpovedi 422 s chybou kontroly podal platný dokument rovnakého typu',
    },
  },
  {
    id: 'recover-register-refusal',
    needs: isSlovenian,
    title: {
      en: 'After a Slovenian document was refused by the register, filed one of the same type that was processed',
      sl: 'Po zavrnitvi dokumenta zaradi registra oddal dokument iste vrste, ki je bil potrjen',
    },
  },
  {
    id: 'recover-registration-errors',
    needs: isReport,
    title: {
      en: 'A report not accepted for registration errors was accepted after the missing registration and a repeated register check',
      sk: 'Výkaz neakceptovaný pre chyby registrácie bol akceptovaný po podaní chýbajúcej registrácie a opakovanej kontrole na register',
    },
  },
  {
    id: 'storno-in-time',
    title: {
      en: 'Cancelled an unprocessed document (200)',
      sl: 'Storniral še neobdelan dokument (200)',
      sk: 'Storno nespracovaného dokumentu (200)',
    },
  },
  {
    id: 'storno-too-late',
    title: {
      en: 'Tried a storno that was refused (409 STORNO_NOT_ALLOWED)',
      sl: 'Poskusil storno, ki je bil zavrnjen (409 STORNO_NOT_ALLOWED)',
      sk: 'Pokus o storno, ktoré bolo odmietnuté (409 STORNO_NOT_ALLOWED)',
    },
  },
  {
    id: 'corrective-report',
    needs: isReport,
    title: {
      en: 'Filed a corrective (O) report for a period whose regular (R) report was forwarded',
      sk: 'Podal opravný výkaz (O) za obdobie, ktorého riadny výkaz (R) bol odoslaný na spracovanie',
    },
  },
  {
    id: 'duplicate-retry',
    title: {
      en: 'Sent a document again (same bytes or same Idempotency-Key) and got 200 with duplicateOf',
      sl: 'Ponovno poslal dokument (isti bajti ali isti Idempotency-Key) in prejel 200 z duplicateOf',
      sk: 'Znova poslal dokument (rovnaké bajty alebo rovnaký Idempotency-Key) a dostal 200 s duplicateOf',
    },
  },
  {
    id: 'poll-to-final',
    title: {
      en: "Read a document's status after it reached a final state (or received its event)",
      sl: 'Prebral stanje dokumenta, ko je bilo končno (ali prejel njegov dogodek)',
      sk: 'Prečítal stav dokumentu po dosiahnutí konečného stavu (alebo prijal jeho udalosť)',
    },
  },
  {
    id: 'receipt',
    title: {
      en: 'Fetched the receipt of a processed document',
      sl: 'Prevzel potrdilo obdelanega dokumenta',
      sk: 'Prevzal potvrdenie spracovaného dokumentu',
    },
  },
  {
    id: 'soap',
    title: { en: 'Filed a valid document over SOAP', sl: 'Oddal veljaven dokument prek SOAP', sk: 'Podal platný dokument cez SOAP' },
  },
  {
    id: 'rest',
    title: { en: 'Filed a valid document over REST', sl: 'Oddal veljaven dokument prek REST', sk: 'Podal platný dokument cez REST' },
  },
  {
    id: 'events',
    title: {
      en: 'Read its event feed, or acknowledged a webhook delivery with 2xx',
      sl: 'Prebral svoj vir dogodkov ali potrdil dostavo webhooka z 2xx',
      sk: 'Prečítal svoj zdroj udalostí alebo potvrdil doručenie webhooku odpoveďou 2xx',
    },
  },
]

/** `file-<TYPE>`: each registered form adds its own. */
function fileScenario(form: FormModule): Scenario {
  const title: ScenarioTitle = form.country === 'SI'
    ? { en: `Filed a valid ${form.type} that was processed`, sl: `Oddal veljaven ${form.type}, ki je bil potrjen` }
    : { en: `Filed a valid ${form.type} that was processed`, sk: `Podal platný ${form.type}, ktorý bol spracovaný` }
  return { id: `file-${form.type}`, title, needs: f => f === form }
}

/** The scenarios a test client passes before its software version may be certified: one place, read from the forms. */
export function scenarios(): Scenario[] {
  return [...forms.map(fileScenario), ...common].filter(s => !s.needs || forms.some(s.needs))
}
