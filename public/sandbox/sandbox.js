/*
 * The order-entry test page: picks a scenario patient, composes draft facet orders, signs them with a
 * CDS Hooks order-sign request to the service (as an EHR does), and renders the answer as an EHR does:
 * cards with indicator, summary, markdown detail, source and links; suggestion buttons that apply their
 * actions to the draft orders and sign again; dismissal with an override reason. Both send CDS Hooks
 * feedback. Everything shown comes from the service's JSON through textContent, never innerHTML.
 */
(function () {
  'use strict';

  var Orders = window.SandboxOrders;
  var Markdown = window.SandboxMarkdown;
  var HookRequests = window.SandboxHookRequests;
  /** What each hook stands for, and the verb on the send button. */
  var HOOK_TEXT = {
    'order-sign': { label: 'order-sign: the orders are signed', verb: 'Sign', hint: 'Every facet order is decided; coverage information is recorded on each.' },
    'order-select': { label: 'order-select: the orders are picked', verb: 'Select', hint: 'Every order is sent as just selected; cards only (no coverage information unless asked for).' },
    'order-dispatch': { label: 'order-dispatch: the signed orders go to a pain clinic', verb: 'Dispatch', hint: 'The orders are sent as signed ServiceRequests in the prefetch, by reference; coverage information on each.' },
    'appointment-book': { label: 'appointment-book: the procedure is booked', verb: 'Book', hint: 'One proposed Appointment per procedure date, based on the orders; coverage information on the Appointment.' },
  };
  var INDICATOR_WORDS = { info: 'Info', warning: 'Warning', critical: 'Critical' };
  var PAST = { 'order-sign': 'Signed', 'order-select': 'Selected', 'order-dispatch': 'Dispatched', 'appointment-book': 'Booked' };
  var OUTCOME_WORDS = { covered: 'covered', 'not-covered': 'not covered', conditional: 'documentation needed', indeterminate: 'could not be checked' };

  var state = {
    today: '',
    service: null,
    scenario: null,
    hook: 'order-sign',
    orders: [],
    prefetch: Promise.resolve({}),
    coverage: {},
    stale: false,
    signing: false,
    created: 0,
  };
  var $ = function (id) {
    return document.getElementById(id);
  };

  // ---- start-up -------------------------------------------------------------------------------

  function start() {
    window.addEventListener('message', onDocumentationSaved);
    $('add-order').addEventListener('click', addOrder);
    $('reset-orders').addEventListener('click', function () {
      if (state.scenario) useScenarioOrders();
    });
    $('sign').addEventListener('click', function () {
      sign();
    });
    $('scenario').addEventListener('change', function (event) {
      selectScenario(event.target.value);
    });
    $('hook').addEventListener('change', function (event) {
      selectHook(event.target.value);
    });
    getJson('/sandbox/api/catalog').then(
      function (catalog) {
        state.today = catalog.today;
        // ?service=<id> chooses the service when several have scenario patients; the first otherwise.
        var wantedService = new URLSearchParams(location.search).get('service');
        state.service =
          catalog.services.filter(function (s) {
            return s.id === wantedService;
          })[0] || catalog.services[0];
        if (!state.service) return showStatus('No CDS service with scenario patients is loaded.', true);
        $('today').textContent = catalog.today;
        fillHookSelect();
        var wantedHook = new URLSearchParams(location.search).get('hook');
        selectHook(hookService(wantedHook) ? wantedHook : state.service.hooks[0].hook);
        fillScenarioSelect();
        var wanted = new URLSearchParams(location.search).get('scenario');
        var first = state.service.scenarios.some(function (s) {
          return s.id === wanted;
        })
          ? wanted
          : state.service.scenarios[0].id;
        $('scenario').value = first;
        selectScenario(first);
      },
      function (error) {
        showStatus('Could not load the scenario patients: ' + error.message, true);
      },
    );
  }

  function fillHookSelect() {
    var select = $('hook');
    select.textContent = '';
    state.service.hooks.forEach(function (h) {
      var option = document.createElement('option');
      option.value = h.hook;
      option.textContent = (HOOK_TEXT[h.hook] && HOOK_TEXT[h.hook].label) || h.hook;
      select.appendChild(option);
    });
    select.disabled = false;
  }

  function hookService(hook) {
    return (state.service.hooks || []).filter(function (h) {
      return h.hook === hook;
    })[0];
  }

  function selectHook(hook) {
    var service = hookService(hook);
    if (!service) return;
    state.hook = hook;
    $('hook').value = hook;
    $('hook-name').textContent = hook;
    $('endpoint').textContent = 'POST /cds-services/' + service.id;
    $('hook-hint').textContent = (HOOK_TEXT[hook] && HOOK_TEXT[hook].hint) || '';
    $('sign').textContent = verb();
    if (state.scenario) {
      history.replaceState(null, '', location.pathname + query());
      clearCards('Hook set to ' + hook + '. ' + verb() + ' the orders to see the cards.');
    }
  }

  function verb() {
    return (HOOK_TEXT[state.hook] && HOOK_TEXT[state.hook].verb) || 'Send';
  }

  function query() {
    return (
      '?scenario=' +
      encodeURIComponent(state.scenario.id) +
      (state.hook === 'order-sign' ? '' : '&hook=' + encodeURIComponent(state.hook)) +
      (new URLSearchParams(location.search).get('service') ? '&service=' + encodeURIComponent(state.service.id) : '')
    );
  }

  /** The scenario patients, grouped by the policy that decides them (CP.MP.171; the Medicare LCD for Medicare members). */
  function fillScenarioSelect() {
    var select = $('scenario');
    select.textContent = '';
    var policies = state.service.policies || [];
    var groups = policies.length > 1 ? policies : [{ id: undefined }];
    groups.forEach(function (policy) {
      var parent = select;
      if (policy.id) {
        parent = document.createElement('optgroup');
        parent.label = policy.title + (policy.selectedFor ? ' (' + policy.selectedFor.join(', ') + ' members)' : '');
        select.appendChild(parent);
      }
      state.service.scenarios
        .filter(function (scenario) {
          return !policy.id || scenario.policy === policy.id;
        })
        .forEach(function (scenario) {
          var option = document.createElement('option');
          option.value = scenario.id;
          option.textContent = scenario.patientId + ' · ' + scenario.title;
          parent.appendChild(option);
        });
    });
    select.disabled = false;
  }

  function selectScenario(id) {
    var scenario = state.service.scenarios.filter(function (s) {
      return s.id === id;
    })[0];
    if (!scenario) return;
    state.scenario = scenario;
    history.replaceState(null, '', location.pathname + query());
    var patient = scenario.patient || { name: 'Patient/' + scenario.patientId };
    $('patient-name').textContent = patient.name + ' (Patient/' + scenario.patientId + ')' + [patient.gender, patient.birthDate && 'born ' + patient.birthDate].filter(Boolean).map(function (t) {
      return ', ' + t;
    }).join('');
    $('patient-description').textContent = scenario.description;
    $('patient-expected').textContent = scenario.expected
      .map(function (e) {
        return e.order + ': ' + e.outcome;
      })
      .join('; ');
    $('patient').hidden = false;
    clearCards('Orders loaded for ' + patient.name + '. ' + verb() + ' them to see the cards.');
    useScenarioOrders();
    // The chart is fetched once per patient; signing waits for it.
    state.prefetch = getJson('/sandbox/api/services/' + encodeURIComponent(state.service.id) + '/scenarios/' + encodeURIComponent(id) + '/prefetch');
    state.prefetch.catch(function (error) {
      showStatus('Could not load the chart for ' + scenario.patientId + ': ' + error.message, true);
    });
  }

  function useScenarioOrders() {
    state.orders = JSON.parse(JSON.stringify(state.scenario.orders));
    state.coverage = {};
    renderOrders();
  }

  // ---- draft orders ---------------------------------------------------------------------------

  function renderOrders() {
    var list = $('orders');
    list.textContent = '';
    state.orders.forEach(function (order, index) {
      list.appendChild(orderRow(order, index));
    });
    $('orders-hint').textContent = state.orders.length === 0 ? 'No draft orders: add one to sign.' : 'Edit the orders or add your own, then sign.';
  }

  function orderRow(order, index) {
    var row = document.querySelector('#order-template').content.firstElementChild.cloneNode(true);
    var view = Orders.readOrder(order, state.service.procedures);
    var prefix = 'order-' + index + '-';
    row.querySelector('.order-title').textContent = 'Order ' + (index + 1) + ': ServiceRequest/' + order.id;
    row.querySelectorAll('[data-field]').forEach(function (control) {
      control.id = prefix + control.getAttribute('data-field');
    });
    row.querySelectorAll('label[data-for]').forEach(function (label) {
      label.htmlFor = prefix + label.getAttribute('data-for');
    });
    if (view.editable) {
      fillProcedures(row.querySelector('[data-field="code"]'), view.code);
      row.querySelector('[data-field="region"]').value = view.region;
      row.querySelector('[data-field="side"]').value = view.side;
      row.querySelector('[data-field="date"]').value = view.date;
      updateRegionChoices(row, view.code);
      fillLevels(row, view.region, view.levels, prefix);
      row.querySelector('.order-grid').addEventListener('change', function (event) {
        onOrderChange(row, index, event.target);
      });
    } else {
      row.querySelector('.order-grid').hidden = true;
      var text = row.querySelector('.order-readonly');
      text.hidden = false;
      text.textContent = view.display + (view.code ? ' (CPT ' + view.code + ')' : '') + (view.date ? ', on ' + view.date : '') + '. Not a facet procedure this page composes; it is sent with the others.';
    }
    showCoverage(row.querySelector('.coverage'), order.id);
    row.querySelector('.remove').setAttribute('aria-label', 'Remove order ' + (index + 1) + ' (ServiceRequest/' + order.id + ')');
    row.querySelector('.remove').addEventListener('click', function () {
      removeOrder(index);
    });
    return row;
  }

  function fillProcedures(select, current) {
    var groups = {};
    state.service.procedures.forEach(function (p) {
      var group = p.regions.indexOf('lumbar') !== -1 ? 'Lumbar / sacral' : p.regions.length > 0 ? 'Cervical / thoracic' : 'Other';
      if (!groups[group]) {
        groups[group] = document.createElement('optgroup');
        groups[group].label = group;
        select.appendChild(groups[group]);
      }
      var option = document.createElement('option');
      option.value = p.code;
      option.textContent = p.code + ' · ' + p.display;
      groups[group].appendChild(option);
    });
    select.value = current;
  }

  function procedure(code) {
    return state.service.procedures.filter(function (p) {
      return p.code === code;
    })[0];
  }

  /** Regions the chosen code can describe stay selectable; the others are disabled. */
  function updateRegionChoices(row, code) {
    var p = procedure(code);
    var region = row.querySelector('[data-field="region"]');
    Array.prototype.forEach.call(region.options, function (option) {
      option.disabled = p && p.regions.length > 0 ? p.regions.indexOf(option.value) === -1 : false;
    });
    if (region.selectedOptions[0] && region.selectedOptions[0].disabled) region.value = p.regions[0];
  }

  function fillLevels(row, region, checked, prefix) {
    var box = row.querySelector('.level-choices');
    box.textContent = '';
    (Orders.LEVELS[region] || []).forEach(function (level) {
      var label = document.createElement('label');
      var input = document.createElement('input');
      input.type = 'checkbox';
      input.value = level;
      input.id = prefix + 'level-' + level;
      input.setAttribute('data-level', '');
      input.checked = checked.indexOf(level) !== -1;
      label.appendChild(input);
      label.appendChild(document.createTextNode(level));
      box.appendChild(label);
    });
  }

  function onOrderChange(row, index, target) {
    var field = target.getAttribute('data-field');
    if (field === 'code') updateRegionChoices(row, target.value);
    var region = row.querySelector('[data-field="region"]').value;
    var levels = Array.prototype.filter
      .call(row.querySelectorAll('[data-level]'), function (box) {
        return box.checked;
      })
      .map(function (box) {
        return box.value;
      })
      .filter(function (level) {
        return Orders.regionOfLevel(level) === region;
      });
    if (field === 'code' || field === 'region') fillLevels(row, region, levels, 'order-' + index + '-');
    state.orders[index] = Orders.writeOrder(
      state.orders[index],
      {
        code: row.querySelector('[data-field="code"]').value,
        levels: levels,
        side: row.querySelector('[data-field="side"]').value,
        date: row.querySelector('[data-field="date"]').value,
      },
      state.service.procedures,
    );
    ordersChanged();
    showCoverage(row.querySelector('.coverage'), state.orders[index].id);
  }

  function addOrder() {
    var requester = (state.orders[0] && state.orders[0].requester && state.orders[0].requester.reference) || undefined;
    state.created += 1;
    var order = Orders.newOrder(
      {
        id: 'sandbox-order-' + state.created,
        patientId: state.scenario.patientId,
        requester: requester,
        today: state.today,
        code: procedure('64493') ? '64493' : state.service.procedures[0].code,
        levels: ['L4-L5'],
        side: 'unspecified',
        date: addDays(state.today, 7),
      },
      state.service.procedures,
    );
    state.orders.push(order);
    ordersChanged();
    renderOrders();
    var code = document.getElementById('order-' + (state.orders.length - 1) + '-code');
    if (code) code.focus();
    showStatus('Added order ' + state.orders.length + ' (ServiceRequest/' + order.id + ').');
  }

  function removeOrder(index) {
    var removed = state.orders.splice(index, 1)[0];
    ordersChanged();
    renderOrders();
    var next = document.querySelectorAll('#orders .remove')[Math.min(index, state.orders.length - 1)];
    (next || $('add-order')).focus();
    showStatus('Removed ServiceRequest/' + removed.id + '.');
  }

  function ordersChanged() {
    state.stale = Object.keys(state.coverage).length > 0;
  }

  function showCoverage(badge, orderId) {
    var outcome = state.coverage[orderId];
    badge.className = 'coverage';
    badge.textContent = '';
    if (!outcome) return;
    badge.classList.add(state.stale ? 'stale' : outcome);
    badge.textContent = (state.stale ? 'Last signed: ' : 'Coverage: ') + outcome;
  }

  // ---- signing --------------------------------------------------------------------------------

  function hookRequest(prefetch) {
    var user = state.orders
      .map(function (o) {
        return o.requester && o.requester.reference;
      })
      .filter(function (r) {
        return /^Practitioner(Role)?\/[A-Za-z0-9\-.]{1,64}$/.test(r || '');
      })[0];
    return HookRequests.build(state.hook, {
      hookInstance: uuid(),
      patientId: state.scenario.patientId,
      userId: user || 'Practitioner/sandbox-clinician',
      orders: state.orders,
      prefetch: prefetch,
      today: state.today,
      // The test page shows the card for orders that meet the policy too (off by default: CRD resp-12).
      extension: { 'davinci-crd.configuration': { 'meets-policy': true } },
    });
  }

  function sign() {
    if (state.signing || !state.scenario) return Promise.resolve();
    state.signing = true;
    var button = $('sign');
    button.disabled = true;
    button.textContent = verb() + 'ing…';
    $('cards').setAttribute('aria-busy', 'true');
    return state.prefetch
      .then(function (prefetch) {
        var body = hookRequest(prefetch);
        $('request-json').textContent = JSON.stringify(body, null, 2);
        return postJson('/cds-services/' + encodeURIComponent(hookService(state.hook).id), body);
      })
      .then(function (answer) {
        $('response-json').textContent = JSON.stringify(answer.body, null, 2);
        if (answer.status !== 200) return showStatus('The service answered HTTP ' + answer.status + ': ' + outcomeText(answer.body), true);
        showResponse(answer.body);
      })
      .catch(function (error) {
        showStatus('Could not sign: ' + error.message, true);
      })
      .then(function () {
        state.signing = false;
        button.disabled = false;
        button.textContent = verb();
        $('cards').removeAttribute('aria-busy');
      });
  }

  function showResponse(response) {
    state.coverage = {};
    state.stale = false;
    (response.systemActions || []).forEach(function (action) {
      var resource = action.resource || {};
      var infos = (resource.extension || []).filter(function (e) {
        return /ext-coverage-information$/.test(e.url);
      });
      if (resource.resourceType === 'Appointment') {
        // Booked orders: each takes the repetition that bills its codes.
        (resource.basedOn || []).forEach(function (ref) {
          var id = String(ref.reference || '').split('/')[1];
          var order = state.orders.filter(function (o) { return o.id === id; })[0];
          var codes = ((order && order.code && order.code.coding) || []).map(function (c) { return c.code; });
          var info = infos.filter(function (e) { return part(e, 'billingCode', true).some(function (b) { return codes.indexOf(b.valueCoding && b.valueCoding.code) !== -1; }); })[0] || infos[0];
          var covered = info && part(info, 'covered')[0];
          if (covered && id) state.coverage[id] = covered.valueCode;
        });
      } else {
        var covered = infos[0] && part(infos[0], 'covered')[0];
        if (covered) state.coverage[resource.id] = covered.valueCode;
      }
    });
    renderOrders();
    var cards = $('cards');
    cards.textContent = '';
    var sorted = (response.cards || []).slice().sort(function (a, b) {
      return rank(b.indicator) - rank(a.indicator);
    });
    sorted.forEach(function (card, index) {
      cards.appendChild(cardElement(card, index));
    });
    var outcomes = Object.keys(state.coverage).map(function (id) {
      return 'ServiceRequest/' + id + ': ' + (OUTCOME_WORDS[state.coverage[id]] || state.coverage[id]);
    });
    showStatus(
      PAST[state.hook] + ' ' + state.orders.length + ' order' + (state.orders.length === 1 ? '' : 's') + ' at ' + new Date().toLocaleTimeString() + ': ' +
        sorted.length + ' card' + (sorted.length === 1 ? '' : 's') + '.' + (outcomes.length ? ' ' + outcomes.join('; ') + '.' : ''),
    );
  }

  function part(extension, url) {
    return (extension.extension || []).filter(function (e) {
      return e.url === url;
    });
  }

  function rank(indicator) {
    return indicator === 'critical' ? 3 : indicator === 'warning' ? 2 : 1;
  }

  // ---- cards ----------------------------------------------------------------------------------

  function cardElement(card, index) {
    var article = el('article', 'card ' + (INDICATOR_WORDS[card.indicator] ? card.indicator : 'info'));
    var headingId = 'card-' + index + '-summary';
    article.setAttribute('aria-labelledby', headingId);
    var head = el('div', 'card-head');
    head.appendChild(el('span', 'indicator', INDICATOR_WORDS[card.indicator] || card.indicator));
    var h3 = el('h3', '', card.summary);
    h3.id = headingId;
    head.appendChild(h3);
    article.appendChild(head);

    if (card.detail) {
      // Details stay folded until asked for, as EHRs show cards (CDS Hooks lets clients hide them).
      var details = el('details');
      details.appendChild(el('summary', '', 'Details: how each criterion was read'));
      var detail = el('div', 'detail');
      detail.appendChild(Markdown.render(card.detail, document));
      details.appendChild(detail);
      article.appendChild(details);
    }
    article.appendChild(sourceLine(card.source || {}));
    if (card.links && card.links.length) article.appendChild(linkList(card.links));
    if (card.suggestions && card.suggestions.length) article.appendChild(suggestionButtons(card));
    if (card.uuid) article.appendChild(dismissForm(card, article, index));
    return article;
  }

  function sourceLine(source) {
    var p = el('p', 'source');
    if (source.icon && isHttp(source.icon)) {
      var img = el('img');
      img.src = source.icon;
      img.alt = '';
      p.appendChild(img);
    }
    p.appendChild(document.createTextNode('Source: '));
    p.appendChild(isHttp(source.url) ? anchor(source.url, source.label) : el('span', '', source.label || ''));
    if (source.topic && (source.topic.display || source.topic.code)) p.appendChild(document.createTextNode(' · ' + (source.topic.display || source.topic.code)));
    return p;
  }

  function linkList(links) {
    var ul = el('ul', 'links');
    ul.setAttribute('aria-label', 'Links');
    links.forEach(function (link) {
      var li = el('li');
      if (link.type === 'absolute' && isHttp(link.url)) li.appendChild(anchor(link.url, link.label));
      else if (link.type === 'smart' && isDocumentationApp(link)) li.appendChild(documentationButton(link));
      else li.textContent = link.label + ' (a SMART app link; this page does not launch apps)';
      ul.appendChild(li);
    });
    return ul;
  }

  // ---- documentation (DTR) -------------------------------------------------------------------

  /** The service's own documentation app (/dtr): launched against the sandbox FHIR server, which holds the patient's chart. */
  function isDocumentationApp(link) {
    try {
      return new URL(link.url, window.location.href).origin === window.location.origin && /\/dtr\/launch\.html$/.test(new URL(link.url, window.location.href).pathname);
    } catch (e) {
      return false;
    }
  }

  function documentationButton(link) {
    var button = el('button', 'documentation', 'Complete documentation');
    button.type = 'button';
    button.title = link.label;
    button.addEventListener('click', function () {
      completeDocumentation(link);
    });
    return button;
  }

  /**
   * As an EHR does: the draft orders are saved (the sandbox FHIR server stands for the EHR's), then the app is
   * launched with the card's appContext; when it has saved the QuestionnaireResponse it tells this page, which signs again.
   */
  function completeDocumentation(link) {
    var context = JSON.parse(link.appContext || '{}');
    var fhirBase = window.location.origin + '/sandbox/fhir';
    var saves = state.orders.map(function (order) {
      return fetch(fhirBase + '/ServiceRequest/' + encodeURIComponent(order.id), { method: 'PUT', headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify(order) }).then(function (response) {
        if (!response.ok) throw new Error('the sandbox FHIR server answered HTTP ' + response.status);
      });
    });
    Promise.all(saves)
      .then(function () {
        var params = new URLSearchParams({ fhirServiceUrl: fhirBase, patient: state.scenario.patientId, appContext: JSON.stringify(context), user: 'Practitioner/sandbox-clinician', returnTo: 'sandbox' });
        var opened = window.open('/dtr/launch.html?' + params.toString(), 'facet-cds-dtr');
        if (!opened) showStatus('The documentation app could not open (pop-ups blocked?)', true);
        else showStatus('Documentation app opened: complete it there; the orders are signed again when it is saved.');
      })
      .catch(function (error) {
        showStatus('Could not open the documentation app: ' + error.message, true);
      });
  }

  /** The documentation app saved its QuestionnaireResponse: read the chart again (it now holds the answers) and sign. */
  function onDocumentationSaved(event) {
    if (event.origin !== window.location.origin || !event.data || event.data.type !== 'facet-cds-dtr-saved' || !state.scenario) return;
    state.prefetch = getJson('/sandbox/api/services/' + encodeURIComponent(state.service.id) + '/scenarios/' + encodeURIComponent(state.scenario.id) + '/prefetch');
    showStatus('Documentation saved (' + event.data.questionnaireResponse + '): signing again…');
    sign();
  }

  function suggestionButtons(card) {
    var box = el('div', 'suggestions');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', card.selectionBehavior === 'at-most-one' ? 'Suggestions (choose at most one)' : 'Suggestions');
    card.suggestions.forEach(function (suggestion) {
      var button = el('button', suggestion.isRecommended ? 'recommended' : '', (suggestion.isRecommended ? '★ ' : '') + suggestion.label);
      button.type = 'button';
      if (suggestion.isRecommended) button.appendChild(el('span', 'visually-hidden', ' (recommended)'));
      button.title = (suggestion.actions || [])
        .map(function (a) {
          return a.type + ': ' + a.description;
        })
        .join('\n');
      button.addEventListener('click', function () {
        applySuggestion(card, suggestion);
      });
      box.appendChild(button);
    });
    return box;
  }

  function dismissForm(card, article, index) {
    var form = el('div', 'override');
    var select;
    if (card.overrideReasons && card.overrideReasons.length) {
      var field = el('div', 'field');
      var label = el('label', '', 'Override reason');
      select = el('select');
      select.id = 'card-' + index + '-reason';
      label.htmlFor = select.id;
      var none = el('option', '', 'No reason given');
      none.value = '';
      select.appendChild(none);
      card.overrideReasons.forEach(function (reason, k) {
        var option = el('option', '', reason.display || reason.code);
        option.value = String(k);
        select.appendChild(option);
      });
      field.appendChild(label);
      field.appendChild(select);
      form.appendChild(field);
    }
    var commentField = el('div', 'field');
    var commentLabel = el('label', '', 'Comment (optional)');
    var comment = el('input');
    comment.type = 'text';
    comment.id = 'card-' + index + '-comment';
    commentLabel.htmlFor = comment.id;
    commentField.appendChild(commentLabel);
    commentField.appendChild(comment);
    form.appendChild(commentField);
    var button = el('button', '', 'Dismiss');
    button.type = 'button';
    button.setAttribute('aria-label', 'Dismiss the card: ' + card.summary);
    button.addEventListener('click', function () {
      var reason = select && select.value !== '' ? card.overrideReasons[Number(select.value)] : undefined;
      dismiss(card, article, reason, comment.value.trim());
    });
    form.appendChild(button);
    return form;
  }

  function applySuggestion(card, suggestion) {
    var result = Orders.applyActions(state.orders, suggestion.actions || [], function () {
      state.created += 1;
      return 'sandbox-order-' + state.created;
    });
    state.orders = result.orders;
    ordersChanged();
    renderOrders();
    var feedback = sendFeedback({ card: card.uuid, outcome: 'accepted', acceptedSuggestions: suggestion.uuid ? [{ id: suggestion.uuid }] : [] }, !suggestion.uuid);
    Promise.all([feedback, saveRecords(result.records, result.problems)]).then(function (done) {
      var sent = done[0];
      return sign().then(function () {
        var note = 'Applied "' + suggestion.label + '"' + (result.problems.length ? ' (' + result.problems.join('; ') + ')' : '') + '; ' + sent + '. ';
        showStatus(note + $('status').textContent, $('status').classList.contains('error'));
        $('cards-heading').focus();
      });
    });
  }

  /**
   * Created resources that are not orders (an attested QuestionnaireResponse) are saved to the chart, as an EHR
   * does: the sandbox FHIR server, which the page's prefetch is then read from again. What fails is noted in `problems`.
   */
  function saveRecords(records, problems) {
    if (!records.length || !state.scenario) {
      if (records.length) problems.push(records.length + ' created record(s) not saved: no scenario patient loaded');
      return Promise.resolve();
    }
    var fhirBase = window.location.origin + '/sandbox/fhir';
    var saves = records.map(function (record) {
      return fetch(fhirBase + '/' + encodeURIComponent(record.resourceType), { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify(record) }).then(
        function (response) {
          if (!response.ok) problems.push(record.resourceType + ' not saved (the sandbox FHIR server answered HTTP ' + response.status + ')');
        },
        function (error) {
          problems.push(record.resourceType + ' not saved (' + error.message + ')');
        },
      );
    });
    return Promise.all(saves).then(function () {
      // The signing reads it (and reports a failure to read it).
      state.prefetch = getJson('/sandbox/api/services/' + encodeURIComponent(state.service.id) + '/scenarios/' + encodeURIComponent(state.scenario.id) + '/prefetch');
    });
  }

  function dismiss(card, article, reason, comment) {
    var overrideReason = {};
    if (reason) overrideReason.reason = { system: reason.system, code: reason.code, display: reason.display };
    if (comment) overrideReason.userComment = comment;
    var item = { card: card.uuid, outcome: 'overridden' };
    if (overrideReason.reason || overrideReason.userComment) item.overrideReason = overrideReason;
    sendFeedback(item, false).then(function (sent) {
      article.remove();
      showStatus('Dismissed "' + card.summary + '"' + (reason ? ' with the reason "' + (reason.display || reason.code) + '"' : '') + '; ' + sent + '.');
      $('cards-heading').focus();
    });
  }

  /** CDS Hooks feedback for one card; resolves to a note on what happened (never rejects). */
  function sendFeedback(item, skip) {
    if (skip || !item.card) return Promise.resolve('no feedback sent (the card or suggestion has no uuid)');
    item.outcomeTimestamp = new Date().toISOString();
    return postJson('/cds-services/' + encodeURIComponent(hookService(state.hook).id) + '/feedback', { feedback: [item] }).then(
      function (answer) {
        return answer.status === 200 ? 'feedback sent' : 'feedback refused (HTTP ' + answer.status + ': ' + outcomeText(answer.body) + ')';
      },
      function (error) {
        return 'feedback not sent (' + error.message + ')';
      },
    );
  }

  function clearCards(message) {
    $('cards').textContent = '';
    $('request-json').textContent = 'Nothing sent yet.';
    $('response-json').textContent = 'Nothing received yet.';
    showStatus(message);
  }

  // ---- helpers --------------------------------------------------------------------------------

  function showStatus(message, isError) {
    var status = $('status');
    status.textContent = message;
    status.classList.toggle('error', Boolean(isError));
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function anchor(url, label) {
    var a = el('a', '', label || url);
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }

  function isHttp(url) {
    return typeof url === 'string' && /^https?:\/\//i.test(url);
  }

  function outcomeText(body) {
    if (body && body.resourceType === 'OperationOutcome' && body.issue) {
      return body.issue
        .map(function (i) {
          return (i.diagnostics || (i.details && i.details.text) || i.code) + (i.expression ? ' (at ' + i.expression.join(', ') + ')' : '');
        })
        .join('; ');
    }
    return 'no details';
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: 'application/json' } }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error('HTTP ' + response.status + ': ' + outcomeText(body));
        return body;
      });
    });
  }

  function postJson(url, body) {
    return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) }).then(function (response) {
      return response.text().then(function (text) {
        var parsed;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch (e) {
          parsed = text;
        }
        return { status: response.status, body: parsed };
      });
    });
  }

  /** A v4 UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  function addDays(date, days) {
    var d = new Date(date + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
