/**
 * Jest global setup/teardown: one temp folder per `jest` run (WA_TEST_TMP), inherited by every worker.
 * Helpers put their temp folders inside it (the harness's n8n user folder, campaign stores), and the
 * teardown removes it: jest workers are stopped without running `exit` handlers.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports.setup = async () => {
	process.env.WA_TEST_TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-jest-'));
};

module.exports.teardown = async () => {
	if (process.env.WA_TEST_TMP) fs.rmSync(process.env.WA_TEST_TMP, { recursive: true, force: true });
};
