import { Router, type RequestHandler } from 'express';
import { NotFoundError } from '../errors';
import { allQuestionnaires, populateOperation, questionnairePackage, type DocumentationDeps } from './documentation';
import { valueSetResource } from './questionnaire';
import { searchsetBundle } from '../fhir/searchset';

/**
 * The documentation (DTR) FHIR endpoints, under /fhir:
 * - POST /fhir/Questionnaire/$questionnaire-package (DTR): the package Bundles for the orders;
 * - POST /fhir/Questionnaire/$populate and /fhir/Questionnaire/{id}/$populate (SDC): the prefilled response;
 * - GET /fhir/Questionnaire/{id}, GET /fhir/Questionnaire?url=… and GET /fhir/ValueSet/{id}: the resources.
 * Every bad input is a 4xx OperationOutcome naming the element (the service's one error handler).
 */
export function documentationRoutes(deps: DocumentationDeps, jsonBody: () => RequestHandler): Router {
  const router = Router();
  const questionnaires = allQuestionnaires(deps.services);
  const fhirJson = (res: import('express').Response, body: unknown) => res.type('application/fhir+json').send(JSON.stringify(body));

  router.post('/Questionnaire/:operation', jsonBody(), async (req, res) => {
    const operation = String(req.params.operation);
    if (operation === '$questionnaire-package') return fhirJson(res, await questionnairePackage(req.body, deps));
    if (operation === '$populate') return fhirJson(res, await populateOperation(req.body, deps));
    throw new NotFoundError(`No operation Questionnaire/${operation}: this server offers $questionnaire-package and $populate`);
  });

  router.post('/Questionnaire/:id/:operation', jsonBody(), async (req, res) => {
    const found = questionnaires.find((q) => q.resource.id === String(req.params.id));
    if (!found) throw new NotFoundError(`No Questionnaire/${String(req.params.id)}`);
    if (String(req.params.operation) !== '$populate') throw new NotFoundError(`No operation Questionnaire/{id}/${String(req.params.operation)}: this server offers $populate`);
    return fhirJson(res, await populateOperation(req.body, deps, found.resource.url!));
  });

  router.get('/Questionnaire/:id', (req, res) => {
    const found = questionnaires.find((q) => q.resource.id === String(req.params.id));
    if (!found) throw new NotFoundError(`No Questionnaire/${String(req.params.id)}`);
    fhirJson(res, found.resource);
  });

  router.get('/Questionnaire', (req, res) => {
    const url = typeof req.query.url === 'string' ? req.query.url : undefined;
    const [base, version] = (url ?? '').split('|');
    const matches = questionnaires.filter((q) => url === undefined || (q.resource.url === base && (version === undefined || q.resource.version === version)));
    fhirJson(res, searchsetBundle(matches.map((q) => ({ fullUrl: q.resource.url, resource: q.resource }))));
  });

  router.get('/ValueSet/:id', (req, res) => {
    const id = String(req.params.id);
    for (const { questionnaire } of questionnaires) {
      for (const name of Object.keys(questionnaire.valueSets)) if (`${questionnaire.declaration}-${name}` === id) return fhirJson(res, valueSetResource(questionnaire, name));
    }
    throw new NotFoundError(`No ValueSet/${id}`);
  });

  return router;
}
