import { defineFindings, type FindingDef } from '../../../validation/index.js'

/**
 * Findings of the register check (KNR, sk-ezu §5) of a report, numbered alike on MVP and VPP. 020–023 are
 * one per registration error; 024–027 sum a check up with the "fix at least N" rule of §5.4. A template may
 * name the person missing from the report: it is absent from the document, and the filer must know whom.
 */
export function registerCheckFindings(prefix: 'SK-MVP' | 'SK-VPP') {
  return defineFindings(prefix, 'sk', {
    '020': {
      field: 'Rodné číslo', severity: 'error',
      en: 'Registration error: the person in this row has no insurance relationship registered with this employer in the period. Register the person with an RLFO (prihláška), or remove the row by a corrective report.',
      sk: 'Chyba registrácie: osoba v tomto riadku nemá u zamestnávateľa v danom období zaregistrovaný poistný vzťah. Prihláste osobu registračným listom RLFO (prihláška) alebo riadok odstráňte opravným výkazom.',
    },
    '021': {
      field: 'Príloha', severity: 'error',
      en: 'Registration error: the person {person}, registered with this employer with regular income (relationship from {start}, type {type}), is missing from the report. Every registered person with regular income is reported, also with zero amounts; or deregister the person with an RLFO (odhláška).',
      sk: 'Chyba registrácie: osoba {person}, zaregistrovaná u zamestnávateľa s pravidelným príjmom (poistný vzťah od {start}, typ {type}), vo výkaze chýba. Uvádzajú sa všetky zaregistrované osoby s pravidelným príjmom, aj s nulovými sumami; inak osobu odhláste registračným listom RLFO (odhláška).',
    },
    '022': {
      field: 'Príloha', severity: 'error',
      en: 'Registration error: the person {person} has {relations} concurrent relationships with regular income registered with this employer but is listed {rows} time(s); one row is needed per relationship (relationship from {start}, type {type}, has none).',
      sk: 'Chyba registrácie: osoba {person} má u zamestnávateľa zaregistrovaných {relations} súbežných poistných vzťahov s pravidelným príjmom, ale vo výkaze je uvedená {rows}-krát; za každý poistný vzťah sa uvádza jeden riadok (poistný vzťah od {start}, typ {type}, riadok nemá).',
    },
    '023': {
      field: 'IČPV', severity: 'warning',
      en: 'The register holds an IČPV for this person\'s relationship, but the row gives none. Give the IČPV in the row.',
      sk: 'Register obsahuje IČPV poistného vzťahu tejto osoby, riadok ho však neuvádza. Uveďte IČPV v riadku.',
    },
    '024': {
      field: 'Príloha', severity: 'error',
      en: 'The register check found {errors} registration error(s). Fix at least {needed} of them (register the persons with an RLFO, or correct the report by a corrective one), then request a repeated register check.',
      sk: 'Kontrola na register našla {errors} chýb registrácie. Opravte aspoň {needed} z nich (prihláste osoby registračným listom RLFO alebo výkaz opravte opravným výkazom) a potom spustite opakovanú kontrolu na register.',
    },
    '025': {
      field: 'Príloha', severity: 'error',
      en: 'The repeated register check still finds {errors} registration error(s) of the {baseline} found before. Fix at least {needed} more, then request another repeated register check.',
      sk: 'Opakovaná kontrola na register stále nachádza {errors} z {baseline} predtým nájdených chýb registrácie. Opravte ešte aspoň {needed}, potom spustite ďalšiu opakovanú kontrolu na register.',
    },
    '026': {
      field: 'Príloha', severity: 'error',
      en: 'The repeated register check found {errors} registration error(s), more than the {previous} found before. Fix at least {needed} of them, then request another repeated register check.',
      sk: 'Opakovaná kontrola na register našla {errors} chýb registrácie, viac ako {previous} nájdených predtým. Opravte aspoň {needed} z nich, potom spustite ďalšiu opakovanú kontrolu na register.',
    },
    '027': {
      field: 'Príloha', severity: 'warning',
      en: 'The report is accepted: enough registration errors were fixed. {errors} remain (listed as warnings); fix them too, by RLFO or a corrective report.',
      sk: 'Výkaz je akceptovaný: bol opravený dostatočný počet chýb registrácie. Zostáva {errors} (uvedené ako varovania); opravte aj tieto, registračným listom RLFO alebo opravným výkazom.',
    },
  })
}

export type RegisterCheckFindings = ReturnType<typeof registerCheckFindings>

const byType: Readonly<Record<string, RegisterCheckFindings>> = {
  MVP: registerCheckFindings('SK-MVP'),
  VPP: registerCheckFindings('SK-VPP'),
}

/** The register-check findings of a report type (`MVP`, `VPP`). */
export function registerCheckFindingsOf(type: string): RegisterCheckFindings {
  const found = byType[type]
  if (!found) throw new Error(`${type} has no register check`)
  return found
}

/** Those a VPP can raise: it is never checked for missing persons (sk-ezu §5.2 item 2). */
export function raisableRegisterCheckFindings(type: 'MVP' | 'VPP'): FindingDef[] {
  const all = registerCheckFindingsOf(type)
  return Object.values(all).filter(d => type === 'MVP' || !['021', '022'].includes(d.code.slice(-3)))
}
