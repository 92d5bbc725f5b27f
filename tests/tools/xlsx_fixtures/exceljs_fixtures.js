// Writes tests/data/xlsx/exceljs.xlsx (shared strings and styles, like Excel),
// exceljs_1904.xlsx (the same in the 1904 date system) and exceljs_inline.xlsx
// (streaming writer without shared strings: inline strings).
// Run by make_fixtures.sh with exceljs installed from npm.
'use strict';
const ExcelJS = require('exceljs');
const path = require('path');

const out = process.argv[2];
const utc = (y, m, d, h = 0, mi = 0, s = 0, ms = 0) => new Date(Date.UTC(y, m - 1, d, h, mi, s, ms));

function fillPrices(sheet) {
  sheet.addRow(['sku', 'description', 'price', 'qty', 'active', 'effective', 'updated', 'note']);
  sheet.addRow(['A-1', 'Widget, "large"', 12.5, 3, true, utc(2024, 3, 1), utc(2024, 3, 1, 10, 30)]);
  sheet.addRow(['B-2', { richText: [{ text: 'Bold ' }, { font: { bold: true }, text: 'and' }, { text: ' plain' }] },
    0.1, 1000000, false, utc(1999, 12, 31), utc(2024, 12, 31, 23, 59, 59, 500), { error: '#N/A' }]);
  const sparse = sheet.getRow(5);
  sparse.getCell(1).value = 'C-3';
  sparse.getCell(4).value = -7.25;
  sparse.getCell(8).value = { formula: 'A5&"-x"', result: 'C-3-x' };
  sheet.getColumn(3).numFmt = '0.00';
  sheet.getColumn(6).numFmt = 'yyyy-mm-dd';
  sheet.getColumn(7).numFmt = 'yyyy-mm-dd hh:mm:ss.000';
  sheet.getCell('F3').numFmt = 'mm-dd-yy';  // exceljs maps this to built-in format 14
  sheet.getRow(1).numFmt = undefined;
  for (const ref of ['C1', 'F1', 'G1']) sheet.getCell(ref).numFmt = undefined;
}

function fillContracts(sheet) {
  sheet.addRow(['contract', 'expires']);
  sheet.addRow(['K-100', utc(2025, 6, 30)]);
  sheet.getCell('B2').numFmt = 'yyyy-mm-dd';
}

async function main() {
  const book = new ExcelJS.Workbook();
  book.creator = 'ContractSync fixtures';
  fillPrices(book.addWorksheet('Prices'));
  fillContracts(book.addWorksheet('Contracts'));
  await book.xlsx.writeFile(path.join(out, 'exceljs.xlsx'));

  const book1904 = new ExcelJS.Workbook();
  book1904.properties.date1904 = true;  // exceljs shifts every serial by 1462 days
  fillPrices(book1904.addWorksheet('Prices'));
  fillContracts(book1904.addWorksheet('Contracts'));
  await book1904.xlsx.writeFile(path.join(out, 'exceljs_1904.xlsx'));

  // The streaming writer without shared strings writes plain strings as
  // t="str" and rich text as t="inlineStr".
  const stream = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path.join(out, 'exceljs_inline.xlsx'), useSharedStrings: false, useStyles: true,
  });
  const prices = stream.addWorksheet('Prices');
  fillPrices(prices);
  prices.commit();
  const contracts = stream.addWorksheet('Contracts');
  fillContracts(contracts);
  contracts.commit();
  await stream.commit();
}

main().catch((err) => { console.error(err); process.exit(1); });
