/** Synthetic, valid documents for the benchmark: every one a different person, so none is a repeat. */

const emsoWeights = [7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]

/** The n-th synthetic EMŠO: birth dates from 1960 on, register 50, serials that give a valid check digit. */
export function syntheticEmso(n: number): string {
  for (let k = n * 2; ; k++) {
    const day = new Date(Date.UTC(1960, 0, 1) + (k % 15_000) * 86_400_000)
    const serial = 100 + Math.floor(k / 15_000) % 800
    const dd = String(day.getUTCDate()).padStart(2, '0')
    const mm = String(day.getUTCMonth() + 1).padStart(2, '0')
    const yyy = String(day.getUTCFullYear()).slice(1)
    const body = `${dd}${mm}${yyy}50${serial}`
    const m = [...body].reduce((s, d, i) => s + Number(d) * emsoWeights[i]!, 0) % 11
    if (m === 1) continue
    return body + String(m === 0 ? 0 : 11 - m)
  }
}

export function syntheticM1(n: number, startDate: string): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<M1 xmlns="urn:ehrs:si:m1:1" verzija="1">
  <ZunanjiId>BENCH-${n}</ZunanjiId>
  <Zavezanec>
    <Naziv>Primer d.o.o.</Naziv><Naslov>Dunajska cesta 1, 1000 Ljubljana</Naslov>
    <RegistrskaStevilka>5023456789</RegistrskaStevilka><MaticnaStevilka>5812348</MaticnaStevilka>
    <DavcnaStevilka>45678138</DavcnaStevilka>
  </Zavezanec>
  <Zavarovanec><Emso>${syntheticEmso(n)}</Emso><Priimek>Testna</Priimek><Ime>Oseba</Ime></Zavarovanec>
  <ZavarovanjeNespremenljivo>
    <DatumPricetkaZavarovanja>${startDate}</DatumPricetkaZavarovanja><PodlagaZaZavarovanje>001</PodlagaZaZavarovanje>
    <DelovniCasZavarovanca>40</DelovniCasZavarovanca><PolniDelovniCasZavezanca>40</PolniDelovniCasZavezanca>
  </ZavarovanjeNespremenljivo>
  <ZavarovanjeSpremenljivo>
    <MaticnaStevilkaEnote>5812348000</MaticnaStevilkaEnote><DelovnoRazmerje>1</DelovnoRazmerje><IzmenskoDelo>1</IzmenskoDelo>
  </ZavarovanjeSpremenljivo>
</M1>
`)
}

/** The n-th synthetic rodné číslo: a man born from 1960 on, 10 digits divisible by 11 (identifiers §5). */
export function syntheticRodneCislo(n: number): string {
  for (let k = n * 2; ; k++) {
    const day = new Date(Date.UTC(1960, 0, 1) + (k % 15_000) * 86_400_000)
    const serial = String(100 + Math.floor(k / 15_000) % 900)
    const prefix = `${String(day.getUTCFullYear()).slice(2)}${String(day.getUTCMonth() + 1).padStart(2, '0')}${String(day.getUTCDate()).padStart(2, '0')}${serial}`
    const check = (11 - (Number(prefix) * 10) % 11) % 11
    if (check === 10) continue
    return prefix + String(check)
  }
}

const vzor = '<Zamestnavatel><Icz>5101234567</Icz><Ico>47123451</Ico><Dic>2021234501</Dic><Nazov>Vzor s.r.o.</Nazov></Zamestnavatel>'

/** A batch RLFO registering persons `first` … `first + count − 1` from `start`. */
export function syntheticRlfoBatch(first: number, count: number, start: string): Buffer {
  const entries = Array.from({ length: count }, (_, i) => {
    const rc = syntheticRodneCislo(first + i)
    const year = Number(rc.slice(0, 2)) < 54 ? `20${rc.slice(0, 2)}` : `19${rc.slice(0, 2)}`
    return `<Osoba><Typ>PA</Typ><TypZamestnanca>ZEC</TypZamestnanca><RodneCislo>${rc}</RodneCislo><Priezvisko>Testovací</Priezvisko><Meno>Zamestnanec</Meno>`
      + `<DatumNarodenia>${year}-${rc.slice(2, 4)}-${rc.slice(4, 6)}</DatumNarodenia><DatumOd>${start}</DatumOd></Osoba>`
  })
  return Buffer.from(`<RLFO xmlns="urn:ehrs:sk:rlfo:1" verzija="1">${vzor}\n${entries.join('\n')}\n</RLFO>\n`)
}

/** An MVP for `period` with one row per person 0 … rows − 1, each with the amounts of the DOCUMENTS.md example. */
export function syntheticMvp(rows: number, period: string): Buffer {
  const fund = (name: string, employer: string, employee?: string): string =>
    `<${name}><Vz>2000.00</Vz><PoistneZamestnavatel>${employer}</PoistneZamestnavatel>${employee ? `<PoistneZamestnanec>${employee}</PoistneZamestnanec>` : ''}</${name}>`
  const row = fund('Np', '28.00', '28.00') + fund('Sp', '280.00', '80.00') + fund('Ip', '60.00', '60.00') + fund('Pvn', '10.00', '20.00')
    + fund('Up', '16.00') + fund('Gp', '5.00') + fund('Rfs', '95.00')
  const parts: string[] = []
  for (let i = 0; i < rows; i++) {
    parts.push(`<Riadok><PoradoveCislo>${i + 1}</PoradoveCislo><RodneCislo>${syntheticRodneCislo(i)}</RodneCislo><Priezvisko>Testovací</Priezvisko><Meno>Zamestnanec</Meno>${row}</Riadok>\n`)
  }
  const total = (name: string, employer: number, employee?: number): string =>
    `<${name}><PoistneZamestnavatel>${(employer * rows).toFixed(2)}</PoistneZamestnavatel>${employee !== undefined ? `<PoistneZamestnanec>${(employee * rows).toFixed(2)}</PoistneZamestnanec>` : ''}</${name}>`
  return Buffer.from(`<MVP xmlns="urn:ehrs:sk:mvp:1" verzija="1">${vzor}<Obdobie>${period}</Obdobie><DruhVykazu>R</DruhVykazu><DenVyplaty>${period}-28</DenVyplaty>`
    + `<Suhrn>${total('Np', 28, 28)}${total('Sp', 280, 80)}${total('Ip', 60, 60)}${total('Pvn', 10, 20)}${total('Up', 16)}${total('Gp', 5)}${total('Rfs', 95)}`
    + `<PoistneSpolu>${(682 * rows).toFixed(2)}</PoistneSpolu></Suhrn>\n<Priloha>\n${parts.join('')}</Priloha></MVP>\n`)
}

/**
 * The report of `syntheticMvp(rows, period)` as a payroll program writes it in Sociálna poisťovňa's own format
 * (sk-official.md §3): the same persons and amounts, one `poistneZamestnanca` per row with its values as
 * attributes, the employer named by DIČ; the official row carries no names.
 */
export function syntheticOfficialMvp(rows: number, period: string): Buffer {
  const [year, month] = period.split('-') as [string, string]
  const base = 'vzNp="2000.00" vzSp="2000.00" vzIp="2000.00" vzPvn="2000.00" vzUp="2000.00" vzGp="2000.00" vzRfs="2000.00"'
    + ' vzZecNp="2000.00" vzZecSp="2000.00" vzZecIp="2000.00" vzZecPvn="2000.00"'
  const amounts = 'npZamtel="28.00" spZamtel="280.00" ipZamtel="60.00" pvnZamtel="10.00" upZamtel="16.00" gpZamtel="5.00" rfsZamtel="95.00"'
    + ' npZamnec="28.00" spZamnec="80.00" ipZamnec="60.00" pvnZamnec="20.00" pfpZamtel="0.00"'
  const parts: string[] = []
  for (let i = 0; i < rows; i++) {
    parts.push(`<poistneZamestnanca pc="${i + 1}" rc="${syntheticRodneCislo(i)}" pocDni="31" typZec="ZEC" vynimkaVZ="0" ${base} ${amounts} pocetHodin="168.00"/>\n`)
  }
  const fund = (name: string, employer: number, employee?: number): string =>
    `<${name}><${name}Zamtel>${(employer * rows).toFixed(2)}</${name}Zamtel>${employee !== undefined ? `<${name}Zamnec>${(employee * rows).toFixed(2)}</${name}Zamnec>` : ''}</${name}>`
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<mvpp xmlns="http://socpoist.sk/xsd/mvpp2026"><typDoc>MVP00001</typDoc><obdobie>${month}${year}</obdobie><denVyplaty>28.${month}.${year}</denVyplaty><typVykazu>R</typVykazu>`
    + '<zamestnavatel><identifikacia><variabilnySymbol>5101234567</variabilnySymbol><identifikator><dic>2021234501</dic></identifikator><nazov>Vzor s.r.o.</nazov></identifikacia></zamestnavatel>'
    + `<poistne>${fund('np', 28, 28)}${fund('sp', 280, 80)}${fund('ip', 60, 60)}${fund('pvn', 10, 20)}${fund('up', 16)}${fund('gp', 5)}${fund('rfs', 95)}`
    + `<pfp><pfpZamtel>0.00</pfpZamtel></pfp><spoluPoistne>${(682 * rows).toFixed(2)}</spoluPoistne></poistne>`
    + '<fOsoba><priezvisko>Mzdová</priezvisko><meno>Eva</meno><tel></tel><mail></mail></fOsoba><vystavenie><zostavil>Eva Mzdová</zostavil></vystavenie>'
    + `\n<priloha><poistneZamestnancov>\n${parts.join('')}</poistneZamestnancov></priloha></mvpp>\n`)
}
