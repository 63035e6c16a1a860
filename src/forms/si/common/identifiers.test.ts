import t from 'tap'
import { checkDavcna, checkEmso, checkMaticna, checkMaticnaEnote, emsoBirthDate } from './identifiers.js'

// Vectors from domain/identifiers.md §1–3 and §8, and DOCUMENTS.md §1.8.
t.test('EMŠO', async t => {
  for (const s of ['1505985500019', '1505985500000', '2208991505005', '0101006500006', '1204990505126', '0309982501238']) {
    t.equal(checkEmso(s), null, `${s} is valid`)
  }
  t.equal(checkEmso('1505985500018'), 'checksum')
  t.equal(checkEmso('1505985500060'), 'remainder1')
  t.equal(checkEmso('3102985500019'), 'date')
  t.equal(checkEmso('150598550001'), 'format')
  t.equal(checkEmso('15059855000199'), 'format')
  t.equal(checkEmso('15059855000a9'), 'format')
  t.equal(checkEmso('1505985500019\n'), 'format')
})

t.test('EMŠO birth date and century', async t => {
  t.equal(emsoBirthDate('1505985500019'), '1985-05-15')
  t.equal(emsoBirthDate('0101006500006'), '2006-01-01')
  t.equal(emsoBirthDate('1204990505126'), '1990-04-12')
  t.equal(emsoBirthDate('2902001500000'), undefined, '2001 is not a leap year')
  t.equal(emsoBirthDate('2902000500000'), '2000-02-29')
  t.equal(emsoBirthDate('0013985500000'), undefined)
})

t.test('davčna številka', async t => {
  for (const s of ['12345679', '87654326', '10000020', '45678138', '38172658']) t.equal(checkDavcna(s), null, `${s} is valid`)
  t.equal(checkDavcna('12345678'), 'checksum')
  for (let x = 0; x <= 9; x++) t.equal(checkDavcna(`2000003${x}`), 'checksum', 'C = 11 is never valid')
  t.equal(checkDavcna('02345679'), 'format', 'leading 0')
  t.equal(checkDavcna('1234567'), 'format')
})

t.test('matična številka', async t => {
  for (const s of ['6543219', '1000004', '9331310', '5812348', '6428177']) t.equal(checkMaticna(s), null, `${s} is valid`)
  t.equal(checkMaticna('6543218'), 'checksum')
  for (let x = 0; x <= 9; x++) t.equal(checkMaticna(`123456${x}`), 'checksum', 'm = 0 is never valid')
  t.equal(checkMaticna('6543219000'), 'format', 'rubrika 3 has 7 digits')
})

t.test('matična številka enote', async t => {
  for (const s of ['6543219', '6543219000', '6543219001', '5812348000', '6543219A01']) t.equal(checkMaticnaEnote(s), null, `${s} is valid`)
  t.equal(checkMaticnaEnote('6543218000'), 'checksum')
  t.equal(checkMaticnaEnote('1234560'), 'checksum')
  t.equal(checkMaticnaEnote('65432190'), 'format')
  t.equal(checkMaticnaEnote('6543219a01'), 'format')
})
