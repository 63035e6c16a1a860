import { officialFixtureTests } from '../../../../test/helpers/official-fixtures.js'

officialFixtureTests('mvp')
officialFixtureTests('vpp')
