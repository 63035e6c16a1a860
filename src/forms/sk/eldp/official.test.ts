import { officialFixtureTests } from '../../../../test/helpers/official-fixtures.js'

officialFixtureTests('eldp')
