/*
 * Draft orders for the order-entry test page: reading the fields the composer edits (code, region,
 * levels, side, date) from a FHIR R4 ServiceRequest, writing them back without losing anything else on
 * the order, and applying CDS Hooks suggestion actions (create / update / delete) to the draft list.
 * Plain functions, no DOM: the page uses them in the browser, the unit tests under Node.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.SandboxOrders = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var CPT = 'http://www.ama-assn.org/go/cpt';
  var SNOMED = 'http://snomed.info/sct';
  var VERTEBRAE = [];
  var i;
  for (i = 1; i <= 7; i++) VERTEBRAE.push('C' + i);
  for (i = 1; i <= 12; i++) VERTEBRAE.push('T' + i);
  for (i = 1; i <= 5; i++) VERTEBRAE.push('L' + i);
  VERTEBRAE.push('S1');

  /** Facet levels by region, as CPT counts them: C7-T1 is cervical, T12-L1 thoracic, L5-S1 lumbar. */
  var LEVELS = { cervical: [], thoracic: [], lumbar: [] };
  for (i = 1; i < VERTEBRAE.length; i++) {
    var level = VERTEBRAE[i - 1] + '-' + VERTEBRAE[i];
    if (level === 'C1-C2') continue; // the atlanto-axial joint is not a facet level these codes describe
    LEVELS[regionOfLevel(level)].push(level);
  }

  /** Laterality as the service reads it: SNOMED qualifiers (left 7771000, right 24028007, bilateral 51440002). */
  var SIDES = {
    left: { system: SNOMED, code: '7771000', display: 'Left' },
    right: { system: SNOMED, code: '24028007', display: 'Right' },
    bilateral: { system: SNOMED, code: '51440002', display: 'Bilateral' },
  };

  function regionOfLevel(level) {
    var letter = level.charAt(0);
    return letter === 'C' ? 'cervical' : letter === 'T' ? 'thoracic' : 'lumbar';
  }

  var LEVEL_TEXT = /\b([CTLS])\s?(\d{1,2})\s*(?:-|\u2013|\u2014|\/|to)\s*([CTLS])?\s?(\d{1,2})\b/gi;

  /** Levels named in text: "L4-L5", "L4-5", "C5/C6"; a span like "L3-L5" is its two levels. */
  function levelsInText(text) {
    var found = [];
    var match;
    LEVEL_TEXT.lastIndex = 0;
    while ((match = LEVEL_TEXT.exec(text || '')) !== null) {
      var upper = match[1].toUpperCase() + Number(match[2]);
      var lower = (match[3] || match[1]).toUpperCase() + Number(match[4]);
      var from = VERTEBRAE.indexOf(upper);
      var to = VERTEBRAE.indexOf(lower);
      if (from === -1 || to === -1 || to <= from || to - from > 6) continue;
      for (var k = from; k < to; k++) found.push(VERTEBRAE[k] + '-' + VERTEBRAE[k + 1]);
    }
    return found;
  }

  function conceptText(concept) {
    if (!concept) return '';
    var parts = [];
    if (concept.text) parts.push(concept.text);
    (concept.coding || []).forEach(function (c) {
      if (c.display) parts.push(c.display);
    });
    return parts.join(' ');
  }

  function sideOf(site) {
    var keys = Object.keys(SIDES);
    for (var k = 0; k < keys.length; k++) {
      var side = SIDES[keys[k]];
      var coded = (site.coding || []).some(function (c) {
        return c.system === SNOMED && c.code === side.code;
      });
      if (coded || new RegExp('^\\s*' + keys[k] + '\\s*$', 'i').test(site.text || '')) return keys[k];
    }
    return undefined;
  }

  function cptCoding(order) {
    var codings = (order.code && order.code.coding) || [];
    for (var k = 0; k < codings.length; k++) if (codings[k].system === CPT && codings[k].code) return codings[k];
    return undefined;
  }

  /**
   * The composer's view of an order. `editable` is false for orders without a CPT code from the
   * procedure table (a physical therapy referral a suggestion created, say): those are shown, not edited.
   */
  function readOrder(order, procedures) {
    var coding = cptCoding(order);
    var procedure = coding ? findProcedure(procedures, coding.code) : undefined;
    var levels = [];
    var side = 'unspecified';
    (order.bodySite || []).forEach(function (site) {
      var s = sideOf(site);
      if (s) side = s;
      else levelsInText(conceptText(site)).forEach(function (l) {
        if (levels.indexOf(l) === -1) levels.push(l);
      });
    });
    var region = levels.length > 0 ? regionOfLevel(levels[0]) : procedure && procedure.regions.length > 0 ? procedure.regions[0] : 'lumbar';
    var when = order.occurrenceDateTime || (order.occurrencePeriod && order.occurrencePeriod.start) || '';
    return {
      id: order.id,
      code: coding ? coding.code : undefined,
      display: procedure ? procedure.display : (order.code && (order.code.text || (order.code.coding && order.code.coding[0] && order.code.coding[0].display))) || 'Order',
      editable: procedure !== undefined,
      region: region,
      levels: sortLevels(levels),
      side: side,
      date: when.slice(0, 10),
    };
  }

  function findProcedure(procedures, code) {
    for (var k = 0; k < procedures.length; k++) if (procedures[k].code === code) return procedures[k];
    return undefined;
  }

  function sortLevels(levels) {
    return levels.slice().sort(function (a, b) {
      return VERTEBRAE.indexOf(a.split('-')[0]) - VERTEBRAE.indexOf(b.split('-')[0]);
    });
  }

  /** The order with the composer's fields written back; every other element is kept as it was. */
  function writeOrder(order, fields, procedures) {
    var copy = JSON.parse(JSON.stringify(order));
    var procedure = findProcedure(procedures, fields.code);
    if (!procedure) throw new Error('Unknown procedure code ' + fields.code);
    var previous = cptCoding(copy);
    copy.code = copy.code || {};
    copy.code.coding = copy.code.coding || [];
    if (previous) {
      if (previous.code !== procedure.code && copy.code.text) copy.code.text = procedure.display;
      previous.code = procedure.code;
      previous.display = procedure.display;
    } else {
      copy.code.coding.push({ system: CPT, code: procedure.code, display: procedure.display });
    }
    var kept = (copy.bodySite || []).filter(function (site) {
      return !sideOf(site) && levelsInText(conceptText(site)).length === 0;
    });
    var sites = kept.concat(
      sortLevels(fields.levels || []).map(function (l) {
        return { text: l };
      }),
    );
    if (fields.side && SIDES[fields.side]) sites.push({ coding: [SIDES[fields.side]], text: SIDES[fields.side].display });
    if (sites.length > 0) copy.bodySite = sites;
    else delete copy.bodySite;
    delete copy.occurrencePeriod;
    delete copy.occurrenceTiming;
    if (fields.date) copy.occurrenceDateTime = fields.date;
    else delete copy.occurrenceDateTime;
    return copy;
  }

  /** A new draft facet order for the patient, as the composer's "Add order" makes it. */
  function newOrder(options, procedures) {
    var base = {
      resourceType: 'ServiceRequest',
      id: options.id,
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/' + options.patientId },
      requester: { reference: options.requester || 'Practitioner/sandbox-clinician' },
      authoredOn: options.today,
      code: { coding: [] },
    };
    return writeOrder(base, options, procedures);
  }

  /** Resource types that are orders: a created one joins the draft orders; anything else created goes to the chart. */
  var ORDER_TYPES = ['ServiceRequest', 'MedicationRequest', 'DeviceRequest', 'NutritionOrder', 'VisionPrescription', 'CommunicationRequest'];

  /**
   * A suggestion's actions applied to the draft orders, in the order CDS Hooks prescribes (deletes,
   * then creates, then updates). Returns the new list, the created resources that are not orders (an attested
   * QuestionnaireResponse, say: the page saves them to the chart) and a line per action that could not be applied.
   */
  function applyActions(orders, actions, newId) {
    var list = orders.map(function (o) {
      return JSON.parse(JSON.stringify(o));
    });
    var problems = [];
    var records = [];
    var rank = { delete: 0, create: 1, update: 2 };
    var sorted = (actions || []).slice().sort(function (a, b) {
      return (rank[a.type] === undefined ? 3 : rank[a.type]) - (rank[b.type] === undefined ? 3 : rank[b.type]);
    });
    sorted.forEach(function (action) {
      if (action.type === 'delete') {
        var ref = action.resourceId || (action.resource && action.resource.resourceType + '/' + action.resource.id);
        var before = list.length;
        list = list.filter(function (o) {
          return o.resourceType + '/' + o.id !== ref && o.id !== ref;
        });
        if (list.length === before) problems.push('Nothing to delete: ' + ref + ' is not among the draft orders');
      } else if (action.type === 'create') {
        if (!action.resource) return problems.push('A create action without a resource was skipped');
        var created = JSON.parse(JSON.stringify(action.resource));
        if (ORDER_TYPES.indexOf(created.resourceType) === -1) return records.push(created);
        if (!created.id) created.id = newId();
        list.push(created);
      } else if (action.type === 'update') {
        if (!action.resource || !action.resource.id) return problems.push('An update action without a resource id was skipped');
        var at = -1;
        list.forEach(function (o, k) {
          if (o.resourceType === action.resource.resourceType && o.id === action.resource.id) at = k;
        });
        if (at === -1) problems.push('Nothing to update: ' + action.resource.resourceType + '/' + action.resource.id + ' is not among the draft orders');
        else list[at] = JSON.parse(JSON.stringify(action.resource));
      } else {
        problems.push('Unknown action type "' + action.type + '" was skipped');
      }
    });
    return { orders: list, records: records, problems: problems };
  }

  return {
    CPT: CPT,
    LEVELS: LEVELS,
    SIDES: Object.keys(SIDES),
    levelsInText: levelsInText,
    regionOfLevel: regionOfLevel,
    readOrder: readOrder,
    writeOrder: writeOrder,
    newOrder: newOrder,
    applyActions: applyActions,
  };
});
