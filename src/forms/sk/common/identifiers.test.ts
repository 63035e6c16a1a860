import t from 'tap'
import { checkDic, checkIban, checkIco, checkRodneCislo } from './identifiers.js'

t.test('rodné číslo: the vectors of identifiers.md §5', async t => {
  t.same(checkRodneCislo('8503151239'), { problem: null, warnings: [], birthDate: '1985-03-15' })
  t.same(checkRodneCislo('9057041235'), { problem: null, warnings: [], birthDate: '1990-07-04' })
  t.same(checkRodneCislo('0522101239'), { problem: null, warnings: ['month_plus_20'], birthDate: '2005-02-10' })
  t.same(checkRodneCislo('0572101233'), { problem: null, warnings: ['month_plus_20'], birthDate: '2005-02-10' })
  t.same(checkRodneCislo('520101123'), { problem: null, warnings: [], birthDate: '1952-01-01' })
  t.same(checkRodneCislo('8503151240'), { problem: null, warnings: ['historic_check_digit'], birthDate: '1985-03-15' })
  t.equal(checkRodneCislo('8503151238').problem, 'checksum')
  t.equal(checkRodneCislo('600101123').problem, 'nine_digits_after_1953')
  t.equal(checkRodneCislo('8513151234').problem, 'date')
  t.equal(checkRodneCislo('8502301234').problem, 'date', '30 February')
  t.equal(checkRodneCislo('85031512').problem, 'format')
})

t.test('rodné číslo: the examples of DOCUMENTS.md §1.8', async t => {
  t.same(checkRodneCislo('9261031472'), { problem: null, warnings: [], birthDate: '1992-11-03' })
  t.same(checkRodneCislo('8704122361'), { problem: null, warnings: [], birthDate: '1987-04-12' })
})

t.test('IČO: the vectors of identifiers.md §6', async t => {
  for (const valid of ['12345679', '20000031', '10000020', '47123451']) t.equal(checkIco(valid), null, valid)
  t.equal(checkIco('12345678'), 'checksum')
  t.equal(checkIco('123456789012'), null, 'longer IČOs are not checked')
  t.equal(checkIco('1234567'), 'format')
})

t.test('DIČ: 10 digits, divisible by 11 (DOCUMENTS.md §1.8)', async t => {
  t.equal(checkDic('2021234501'), null, 'Vzor s.r.o.')
  t.equal(checkDic('2021234502'), 'checksum')
  t.equal(checkDic('0021234501'), 'format', 'no leading 0')
  t.equal(checkDic('202123450'), 'format')
})

t.test('IBAN mod 97', async t => {
  t.equal(checkIban('SK3112000000198742637541'), null)
  t.equal(checkIban('SK3112000000198742637542'), 'checksum')
  t.equal(checkIban('GB82WEST12345698765432'), null)
  t.equal(checkIban('sk31'), 'format')
})
