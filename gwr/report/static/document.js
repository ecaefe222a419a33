// A document page of `gwr report`: #f-<fact id> (a link from the fact list, from another page, or a
// click on a highlight) marks the fact's pieces of text, scrolls them into view and names the fact.
(function () {
  var status = document.getElementById('current');
  function clear() {
    Array.prototype.forEach.call(document.querySelectorAll('.current'), function (el) { el.classList.remove('current'); });
  }
  function show(id) {
    clear();
    var anchor = document.getElementById('f-' + id);
    if (!anchor) { status.textContent = 'no such fact in this document: ' + id; return; }
    var pieces = document.querySelectorAll('#text [data-facts~="' + id + '"]');
    var text = '';
    Array.prototype.forEach.call(pieces, function (el) { el.classList.add('current'); text += el.textContent; });
    var row = document.getElementById('row-' + id);
    if (row) { row.classList.add('current'); row.scrollIntoView({block: 'nearest'}); }
    var first = pieces.length ? pieces[0] : anchor;
    first.scrollIntoView({block: 'center'});
    var box = first.getBoundingClientRect();
    document.body.setAttribute('data-current', id);
    document.body.setAttribute('data-in-view', String(box.top >= 0 && box.bottom <= window.innerHeight));
    status.textContent = '';
    var q = document.createElement('q');
    q.textContent = text;
    status.appendChild(document.createTextNode((row ? row.cells[0].textContent + ' ' + row.cells[5].textContent + ': ' : '')));
    status.appendChild(q);
  }
  function fromHash() {
    var m = /^#f-(.+)$/.exec(location.hash);
    if (m) { show(decodeURIComponent(m[1])); }
  }
  window.addEventListener('hashchange', fromHash);
  document.getElementById('text').addEventListener('click', function (e) {
    var piece = e.target.closest('[data-facts]');
    if (piece) { location.hash = 'f-' + piece.getAttribute('data-facts').split(' ')[0]; }
  });
  fromHash();
  document.body.setAttribute('data-js', 'ready');
})();
