// A PLC directory (in memory) and the reference Bluesky PDS in one Node 22 process, on 127.0.0.1.
//
// Run by tests/support/servers/pds.py, which sets AMENDS_PDS_APP (the folder holding the npm
// install), AMENDS_PLC_PORT and the PDS_* environment. Commands on standard input, one a line:
// "stop" closes the PDS (its port then refuses connections), "start" opens it again on the same
// port and data folder. The PLC stays up throughout: its directory lives only in this process's
// memory, and every account's DID must keep resolving. Each step is acknowledged on standard
// output ("ready", "stopped", "started", or "error <message>").

import crypto from 'node:crypto'
import http from 'node:http'
import { createRequire } from 'node:module'
import readline from 'node:readline'

const require = createRequire(`${process.env.AMENDS_PDS_APP}/package.json`)

// Both servers call app.listen(port), which binds every interface: keep them on loopback.
const listen = http.Server.prototype.listen
http.Server.prototype.listen = function (port, ...rest) {
  if (typeof port === 'number' && (rest.length === 0 || typeof rest[0] === 'function')) {
    return listen.call(this, port, '127.0.0.1', ...rest)
  }
  return listen.call(this, port, ...rest)
}

const say = (line) => process.stdout.write(`${line}\n`)

function rotationKeyHex() {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
  return Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url').toString('hex')
}

const { PlcServer, Database } = require('@did-plc/server')
const { PDS, readEnv, envToCfg, envToSecrets } = require('@atproto/pds')

const plcPort = Number(process.env.AMENDS_PLC_PORT)
process.env.PDS_DID_PLC_URL = `http://127.0.0.1:${plcPort}`
process.env.PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX ||= rotationKeyHex()

let pds = null

async function openPds() {
  const env = readEnv()
  const created = await PDS.create(envToCfg(env), envToSecrets(env))
  await created.start()
  pds = created
}

async function closePds() {
  const closing = pds
  pds = null
  if (closing) await closing.destroy()
}

try {
  const plc = PlcServer.create({ db: Database.mock(), port: plcPort })
  await plc.start()
  await openPds()
} catch (error) {
  say(`error ${String(error?.stack ?? error).replaceAll('\n', ' | ')}`)
  process.exit(1)
}
say('ready')

const commands = {
  stop: [closePds, 'stopped'],
  start: [async () => pds || openPds(), 'started'],
}
for await (const line of readline.createInterface({ input: process.stdin })) {
  const [command, done] = commands[line.trim()] ?? []
  if (!command) {
    say(`error unknown command ${JSON.stringify(line)}`)
    continue
  }
  try {
    await command()
    say(done)
  } catch (error) {
    say(`error ${String(error?.stack ?? error).replaceAll('\n', ' | ')}`)
  }
}
// Standard input closed: the test process has gone, so go too.
process.exit(0)
