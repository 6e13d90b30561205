'use strict';
/*
 * The documentation app (Da Vinci DTR), after the SMART launch (launch.js): reads the card's appContext (orders,
 * coverage, questionnaire, coverage-assertion-id), asks this service for the questionnaire package prefilled
 * from the chart, shows what the record already holds (marked as auto-populated), renders the questions with
 * LHC-Forms, and saves the attested QuestionnaireResponse to the EHR's FHIR server with the launch token.
 * Nothing here turns server text into HTML: every text goes through textContent.
 */
const INFORMATION_ORIGIN = 'http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/information-origin';
const ANSWER_SOURCE = 'http://facet-cds.dev/fhir/StructureDefinition/answer-source';
const QR_CONTEXT = 'http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/qr-context';
const STATUS_SUFFIX = '.status';
const RECORD_SUFFIX = '.record';

const $ = (id) => document.getElementById(id);

function say(text, kind) {
  const status = $('status');
  status.textContent = text;
  status.className = kind || '';
}

function launchContext(client) {
  const stored = JSON.parse(sessionStorage.getItem('dtr-launch') || '{}');
  const fromToken = client.state.tokenResponse && client.state.tokenResponse.appContext;
  const raw = fromToken || stored.appContext || '{}';
  const appContext = typeof raw === 'string' ? JSON.parse(raw) : raw;
  return { appContext, user: stored.user, returnTo: stored.returnTo };
}

async function readOrder(client, order) {
  // DTR allows the order by reference (preferred) or as its JSON.
  if (typeof order === 'string' && order.trim().startsWith('{')) return JSON.parse(order);
  return client.request(order);
}

async function questionnairePackage(client, orders, coverage, questionnaires) {
  const parameter = [
    ...(coverage ? [{ name: 'coverage', resource: coverage }] : []),
    ...orders.map((resource) => ({ name: 'order', resource })),
    ...questionnaires.map((q) => ({ name: 'questionnaire', valueCanonical: q })),
    { name: 'fhirServer', valueUrl: client.state.serverUrl },
  ];
  const token = client.state.tokenResponse && client.state.tokenResponse.access_token;
  if (token) parameter.push({ name: 'fhirAccessToken', valueString: token });
  const res = await fetch('/fhir/Questionnaire/$questionnaire-package', {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Parameters', parameter }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error((body.issue && body.issue[0] && body.issue[0].diagnostics) || `the service answered ${res.status}`);
  return body.parameter.filter((p) => p.name === 'PackageBundle').map((p) => p.resource);
}

/** What the record shows for each criterion, from the prefilled response: shown apart, marked as auto-populated. */
function showRecord(questionnaire, response) {
  const list = $('record-list');
  list.textContent = '';
  for (const group of response.item || []) {
    const definition = (questionnaire.item || []).find((i) => i.linkId === group.linkId);
    const status = (group.item || []).find((i) => i.linkId === group.linkId + STATUS_SUFFIX);
    const record = (group.item || []).find((i) => i.linkId === group.linkId + RECORD_SUFFIX);
    const coding = status && status.answer && status.answer[0].valueCoding;
    const li = document.createElement('li');
    li.dataset.criterion = group.linkId;
    li.dataset.status = coding ? coding.code : '';
    const badge = document.createElement('span');
    badge.className = `badge ${coding ? coding.code : ''}`;
    badge.textContent = coding ? coding.display : 'unknown';
    const title = document.createElement('strong');
    title.textContent = `${definition && definition.prefix ? definition.prefix + ' ' : ''}${definition ? definition.text : group.linkId}`;
    const text = document.createElement('div');
    text.textContent = record && record.answer ? record.answer[0].valueString : '';
    const sources = ((status && status.answer && status.answer[0].extension) || []).filter((e) => e.url === ANSWER_SOURCE).map((e) => e.valueReference.reference);
    const origin = document.createElement('div');
    origin.className = 'sources';
    origin.textContent = `From the chart (auto-populated)${sources.length ? ': ' + sources.join(', ') : ''}`;
    li.append(badge, title, text, origin);
    list.append(li);
  }
  $('from-record').hidden = false;
}

/** LHC-Forms: the questionnaire with the prefilled response merged in. */
function renderForm(questionnaire, response) {
  const form = LForms.Util.convertFHIRQuestionnaireToLForms(questionnaire, 'R4');
  const merged = LForms.Util.mergeFHIRDataIntoLForms(response, form, 'R4');
  return LForms.Util.addFormToPage(merged, 'form', { prepopulate: false });
}

function markAnswers(items, prefilled) {
  for (const item of items || []) {
    const kept = prefilled.get(item.linkId);
    if (kept) item.answer = kept;
    else if (item.answer) item.answer = item.answer.map((a) => ({ ...a, extension: [...(a.extension || []), { url: INFORMATION_ORIGIN, extension: [{ url: 'source', valueCode: 'manual' }] }] }));
    markAnswers(item.item, prefilled);
    for (const answer of item.answer || []) markAnswers(answer.item, prefilled);
  }
}

async function main() {
  let client;
  try {
    client = await FHIR.oauth2.ready();
  } catch (error) {
    say(`Not launched: ${error.message}. Open the app from the card (or launch.html).`, 'error');
    return;
  }
  const { appContext, user, returnTo } = launchContext(client);
  const orderRefs = [].concat(appContext.order || []);
  if (orderRefs.length === 0) {
    say('The launch did not name the order to document (appContext.order).', 'error');
    return;
  }
  let bundles;
  let orders;
  try {
    orders = await Promise.all(orderRefs.map((o) => readOrder(client, o)));
    const coverage = appContext.coverage ? await client.request(appContext.coverage) : undefined;
    bundles = await questionnairePackage(client, orders, coverage, [].concat(appContext.questionnaire || []));
  } catch (error) {
    say(`Could not get the questionnaire: ${error.message}`, 'error');
    return;
  }
  const bundle = bundles[0];
  const resources = bundle.entry.map((e) => e.resource);
  const questionnaire = resources.find((r) => r.resourceType === 'Questionnaire');
  const prefilled = resources.find((r) => r.resourceType === 'QuestionnaireResponse');
  $('title').textContent = questionnaire.title;
  $('context').textContent = `Orders: ${orderRefs.join(', ')}${appContext.coverage ? ` · Coverage: ${appContext.coverage}` : ''}`;
  showRecord(questionnaire, prefilled);
  await renderForm(questionnaire, prefilled);
  $('questions').hidden = false;
  const missing = (prefilled.item || []).filter((g) => (g.item || []).some((i) => i.linkId === g.linkId + STATUS_SUFFIX && i.answer[0].valueCoding.code === 'not-documented')).length;
  say(missing > 0 ? `${missing} ${missing === 1 ? 'criterion needs' : 'criteria need'} your answer.` : 'The record documents every criterion; attest and save, or close.');

  $('save').addEventListener('click', async () => {
    const problems = LForms.Util.checkValidity('#form');
    if (problems && problems.length > 0) {
      say(`Please complete: ${problems.join('; ')}`, 'error');
      return;
    }
    const answered = LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', '#form');
    const fromRecord = new Map();
    for (const group of prefilled.item || []) for (const item of group.item || []) fromRecord.set(item.linkId, item.answer);
    markAnswers(answered.item, fromRecord);
    const author = (client.getFhirUser && client.getFhirUser()) || user;
    const response = {
      ...answered,
      id: undefined,
      meta: prefilled.meta,
      extension: prefilled.extension,
      questionnaire: prefilled.questionnaire,
      status: 'completed',
      subject: prefilled.subject,
      basedOn: prefilled.basedOn,
      ...(author ? { author: { reference: author } } : {}),
      authored: new Date().toISOString(),
    };
    delete response.id;
    $('save').disabled = true;
    try {
      const saved = await client.create(response);
      say(`Saved as QuestionnaireResponse/${saved.id}. Sign the order again: the attested answers are now part of the record the decision reads.`, 'saved');
      document.body.dataset.saved = saved.id;
      if (returnTo === 'sandbox' && window.opener) {
        window.opener.postMessage({ type: 'facet-cds-dtr-saved', questionnaireResponse: `QuestionnaireResponse/${saved.id}`, orders: orderRefs }, window.location.origin);
      }
    } catch (error) {
      $('save').disabled = false;
      say(`Could not save to the EHR: ${error.message}`, 'error');
    }
  });
}

main();
