// The attainment table of `gwr report`: filter by province, region, indicator, year and text; sort by any column.
(function () {
  var table = document.getElementById('attainment');
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var filters = {province: 'f-province', region: 'f-region', indicator: 'f-indicator', year: 'f-year'};
  var text = document.getElementById('f-text');
  var count = document.getElementById('shown');
  function apply() {
    var want = {};
    Object.keys(filters).forEach(function (k) { want[k] = document.getElementById(filters[k]).value; });
    var q = text.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (tr) {
      var ok = Object.keys(want).every(function (k) { return !want[k] || tr.dataset[k] === want[k]; });
      if (ok && q) { ok = tr.textContent.toLowerCase().indexOf(q) >= 0; }
      tr.hidden = !ok;
      if (ok) { n++; }
    });
    count.textContent = n + ' of ' + rows.length + ' targets shown';
  }
  Object.keys(filters).forEach(function (k) { document.getElementById(filters[k]).addEventListener('change', apply); });
  text.addEventListener('input', apply);
  document.getElementById('f-reset').addEventListener('click', function () {
    Object.keys(filters).forEach(function (k) { document.getElementById(filters[k]).value = ''; });
    text.value = ''; apply();
  });
  var ths = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(ths, function (th, i) {
    if (!th.classList.contains('sortable')) { return; }
    th.addEventListener('click', function () {
      var dir = th.classList.contains('asc') ? -1 : 1;
      Array.prototype.forEach.call(ths, function (h) { h.classList.remove('asc', 'desc'); });
      th.classList.add(dir === 1 ? 'asc' : 'desc');
      var numeric = th.dataset.type === 'num';
      rows.sort(function (a, b) {
        var x = a.cells[i].dataset.sort, y = b.cells[i].dataset.sort;
        if (x === undefined) { x = a.cells[i].textContent; }
        if (y === undefined) { y = b.cells[i].textContent; }
        if (numeric) {
          x = x === '' ? NaN : parseFloat(x); y = y === '' ? NaN : parseFloat(y);
          if (isNaN(x) && isNaN(y)) { return 0; }
          if (isNaN(x)) { return 1; }
          if (isNaN(y)) { return -1; }
          return (x - y) * dir;
        }
        return x.localeCompare(y, 'zh-CN') * dir;
      });
      rows.forEach(function (tr) { tbody.appendChild(tr); });
    });
  });
  apply();
  document.body.setAttribute('data-js', 'ready');
})();
