module.exports = require('./tmpRoot').teardown;
