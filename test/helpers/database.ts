import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';

/**
 * A fresh, empty database for one test app, on the dialect this run targets: SQLite in a temp
 * folder by default, or — when DATABASE_URL is a mysql:// URL (as CI sets it for MariaDB) — a new
 * database beside the one named there, dropped afterwards. Tests never share state through it.
 */
export interface FreshDatabase {
  env: Record<string, string>;
  dataDir: string;
  dialect: 'sqlite' | 'mysql';
  drop(): Promise<void>;
}

export const targetDialect = (): 'sqlite' | 'mysql' => (/^(mysql|mariadb):/.test(process.env.DATABASE_URL ?? '') ? 'mysql' : 'sqlite');

export async function freshDatabase(): Promise<FreshDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-test-'));
  const base = process.env.DATABASE_URL;
  if (!base || targetDialect() === 'sqlite') {
    return {
      env: { DATA_DIR: dataDir },
      dataDir,
      dialect: 'sqlite',
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const url = new URL(base.replace(/^mariadb:/, 'mysql:'));
  const name = `${url.pathname.slice(1) || 'tenderhall'}_t${crypto.randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    dataDir,
    dialect: 'mysql',
    drop: async () => {
      const conn = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
