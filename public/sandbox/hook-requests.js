/*
 * CDS Hooks requests for a patient's orders, one per hook the service answers: how an EHR would ask at each
 * moment (orders picked, signed, sent to the pain clinic, booked). Used by the order-entry test page, and
 * under Node by `npm run evaluate --hook` and the tests that check every hook decides as order-sign does.
 * Plain functions, no DOM.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.SandboxHookRequests = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var HOOKS = ['order-sign', 'order-select', 'order-dispatch', 'appointment-book'];
  var PERFORMER = 'Organization/sandbox-pain-clinic';

  function reference(resource) {
    return resource.resourceType + '/' + resource.id;
  }

  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function bundle(type, resources) {
    return { resourceType: 'Bundle', type: type, entry: resources.map(function (resource) { return { resource: resource }; }) };
  }

  /** The orders once signed: the same ServiceRequests, status active. */
  function signed(orders) {
    return orders.map(function (order) {
      var copy = clone(order);
      if (copy.resourceType === 'ServiceRequest' && copy.status === 'draft') copy.status = 'active';
      return copy;
    });
  }

  /**
   * The signed orders added to the prefetch's serviceRequests search (where order-dispatch and appointment-book
   * look them up by reference): an EHR's ServiceRequest?patient= search returns them.
   */
  function withSignedOrders(prefetch, orders) {
    var copy = clone(prefetch || {});
    var ids = {};
    orders.forEach(function (o) { ids[reference(o)] = true; });
    var kept = ((copy.serviceRequests && copy.serviceRequests.entry) || []).filter(function (e) { return !(e.resource && ids[reference(e.resource)]); });
    var entries = kept.concat(orders.map(function (resource) { return { resource: resource }; }));
    copy.serviceRequests = { resourceType: 'Bundle', type: 'searchset', total: entries.length, entry: entries };
    return copy;
  }

  function orderDate(order) {
    var when = order.occurrenceDateTime || (order.occurrencePeriod && order.occurrencePeriod.start);
    return typeof when === 'string' && when.length >= 10 ? when.slice(0, 10) : undefined;
  }

  /** One proposed Appointment per procedure date, based on that day's orders. */
  function appointments(orders, options) {
    var byDate = {};
    var dates = [];
    orders.forEach(function (order) {
      var date = orderDate(order) || options.today;
      if (!byDate[date]) {
        byDate[date] = [];
        dates.push(date);
      }
      byDate[date].push(order);
    });
    return dates.map(function (date, i) {
      var requester = byDate[date].map(function (o) { return o.requester && o.requester.reference; }).filter(Boolean)[0];
      var participant = [{ actor: { reference: 'Patient/' + options.patientId }, required: 'required', status: 'accepted' }];
      if (requester) participant.push({ actor: { reference: requester }, required: 'required', status: 'accepted' });
      return {
        resourceType: 'Appointment',
        id: ('appt-' + options.patientId + '-' + (i + 1)).slice(0, 64),
        status: 'proposed',
        description: 'Facet procedure',
        start: date + 'T09:00:00Z',
        end: date + 'T10:00:00Z',
        basedOn: byDate[date].map(function (o) { return { reference: reference(o) }; }),
        participant: participant,
      };
    });
  }

  /**
   * The request for `hook`. options: patientId, userId, orders (draft ServiceRequests and any other draft
   * orders), prefetch, hookInstance, today (YYYY-MM-DD, for orders without a date), extension.
   */
  function build(hook, options) {
    var orders = options.orders || [];
    var request = { hook: hook, hookInstance: options.hookInstance };
    var prefetch = options.prefetch;
    if (hook === 'order-sign' || hook === 'order-select') {
      request.context = { userId: options.userId, patientId: options.patientId, draftOrders: bundle('collection', orders) };
      // The page selects every order, as if each had just been picked.
      if (hook === 'order-select') request.context.selections = orders.map(reference);
    } else if (hook === 'order-dispatch') {
      var dispatched = signed(orders.filter(function (o) { return o.resourceType === 'ServiceRequest'; }));
      request.context = { patientId: options.patientId, dispatchedOrders: dispatched.map(reference), performer: PERFORMER };
      prefetch = withSignedOrders(prefetch, dispatched);
    } else if (hook === 'appointment-book') {
      var booked = signed(orders.filter(function (o) { return o.resourceType === 'ServiceRequest'; }));
      request.context = { userId: options.userId, patientId: options.patientId, appointments: bundle('collection', appointments(booked, options)) };
      prefetch = withSignedOrders(prefetch, booked);
    } else {
      throw new Error('No request for hook ' + hook);
    }
    if (prefetch) request.prefetch = prefetch;
    if (options.extension) request.extension = options.extension;
    return request;
  }

  return { HOOKS: HOOKS, build: build, appointments: appointments };
});
