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
