module.exports = require('./tmpRoot').setup;
