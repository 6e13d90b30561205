import type { CodeableConcept, Coding } from 'fhir/r4';
import type { Evidence, Finding } from '../../../../src/decision/types';
import { conditionEvidence, evidenceCutoff, imagingRegions, laterConditions, laterEvidence, met, notMet, otherRegionEvidence, regionConditions, regionFit, regionsNamed, reportFindings, setAsideNote, type ChartImaging, type ChartProcedure, type Region } from '../../../../src/kit';
import type { FacetContext } from '../types';
import { criterion, notDocumented, onPathway } from './define';

/** The policy's other causes (I.A.1.c "e.g., fracture, tumor, infection, extraspinal lesion"): diagnosis codes, report words. */
const OTHER_CAUSES: Array<{ codes: string; words: string; label: string }> = [
  { codes: 'vertebralFracture', words: 'fractureReportText', label: 'fracture' },
  { codes: 'spinalNeoplasm', words: 'tumourReportText', label: 'tumour' },
  { codes: 'spinalInfection', words: 'infectionReportText', label: 'infection' },
  { codes: 'extraspinalLesion', words: 'extraspinalReportText', label: 'extraspinal lesion' },
];

/** A spine imaging study as read: a DiagnosticReport / ImagingStudy, or a Procedure with a spine imaging code. */
interface Study {
  ref: string;
  name: string;
  date?: string;
  codings: Coding[];
  /** The report's words: conclusion, text presentedForm, description (a Procedure's text and notes). */
  texts: string[];
  conclusionConcepts: CodeableConcept[];
}

function fromReport(i: ChartImaging): Study {
  return { ref: i.ref, name: i.name, ...(i.date ? { date: i.date } : {}), codings: i.codings, texts: i.reportTexts, conclusionConcepts: i.conclusionConcepts };
}

function fromProcedure(p: ChartProcedure): Study {
  return { ref: p.ref, name: p.text, ...(p.date ? { date: p.date } : {}), codings: p.codings, texts: [p.text, ...p.notes], conclusionConcepts: [] };
}

function isSpineImaging(p: ChartProcedure, ctx: FacetContext): boolean {
  return p.codings.some((c) => ctx.vs.spineImaging!.matchesCoding(c)) || ctx.vs.spineImaging!.matchesText(p.text);
}

function studyText(s: Study, regions: Region[]): string {
  const where = regions.length === 0 ? ', region not stated (counted)' : regions.length === 3 ? ', whole spine' : '';
  return `${s.name}${s.date ? ` on ${s.date}` : ''}${where}`;
}

/**
 * I.A.1.c: imaging studies suggest no other obvious cause of the pain (fracture, tumour, infection,
 * extraspinal lesion). Spine imaging counts when it images the order's region (a whole-spine study, or one
 * whose region cannot be told, counts). Another cause is a current diagnosis of the region, a coded
 * conclusion, or the report's words read negation-aware, sentence by sentence: "pars defect with fracture
 * at L5" is a fracture, "no fracture or listhesis" is not, and "old T8 compression fracture" is set aside
 * for a lumbar block. The met line never quotes a report: a card must not cite a fracture as evidence
 * that there is none.
 */
export const imagingNoOtherCause = criterion('imaging-no-other-cause', {
  dependsOn: ['conditions', 'procedures', 'imagingReports'],
  appliesTo: (ctx) => onPathway(ctx, 'diagnostic'),
  evaluate: (ctx): Finding => {
    const { vs, chart, unit } = ctx;
    const until = evidenceCutoff(ctx.today, unit.date);
    const studies: Study[] = [
      ...chart.procedures.filter((p) => p.status === 'completed' && (p.date ?? '') <= until && isSpineImaging(p, ctx)).map(fromProcedure),
      ...chart.imaging.filter((i) => (i.date ?? '') <= until).map(fromReport),
    ];
    const causes: Evidence[] = [];
    const setAside: Evidence[] = [];
    const counted: Array<{ study: Study; regions: Region[] }> = [];
    for (const study of studies) {
      const regions = imagingRegions(study.codings, study.name, vs);
      if (regionFit(regions, unit.region) === 'other') setAside.push(otherRegionEvidence(studyText(study, regions), study.ref, regions, unit.region));
      else counted.push({ study, regions });
    }

    for (const cause of OTHER_CAUSES) {
      const diagnoses = regionConditions(ctx, cause.codes);
      causes.push(...diagnoses.counted.map((c) => ({ ...conditionEvidence(c), text: `${cause.label}: ${conditionEvidence(c).text}` })));
      setAside.push(...diagnoses.elsewhere);
      for (const { study } of counted) {
        const where = `${study.name}${study.date ? ` on ${study.date}` : ''}`;
        for (const concept of study.conclusionConcepts.filter((c) => vs[cause.codes]!.matchesConcept(c))) {
          const regions = regionsNamed([concept], vs);
          if (regionFit(regions, unit.region) === 'other') setAside.push(otherRegionEvidence(`${cause.label} coded in the conclusion of ${where}`, study.ref, regions, unit.region));
          else causes.push({ text: `${cause.label} coded in the imaging conclusion of ${where}`, reference: study.ref });
        }
        for (const finding of reportFindings(study.texts, [cause.words], vs)) {
          const words = `"${finding.quote}"`;
          if (finding.negated) setAside.push({ text: `set aside, negated: ${words} (${where})`, reference: study.ref, setAside: 'negated' });
          else if (regionFit(finding.regions, unit.region) === 'other') setAside.push(otherRegionEvidence(`${cause.label} in the report of ${where}: ${words}`, study.ref, finding.regions, unit.region));
          else causes.push({ text: `${cause.label} in the report of ${where}: ${words}`, reference: study.ref });
        }
      }
    }
    setAside.push(
      ...laterEvidence(
        [
          ...chart.later.imaging.map((i) => ({ ref: i.ref, text: i.name, date: i.date })),
          ...chart.later.procedures.filter((p) => isSpineImaging(p, ctx)).map((p) => ({ ref: p.ref, text: p.text, date: p.date })),
        ],
        ctx.today,
      ),
      ...laterConditions(ctx, ...OTHER_CAUSES.map((c) => c.codes)),
    );

    if (causes.length > 0) {
      const labels = [...new Set(causes.map((c) => OTHER_CAUSES.find((x) => c.text.startsWith(x.label))?.label).filter((l) => l !== undefined))];
      return notMet(`Another cause of the pain is on record (${labels.join(', ')})`, [...causes, ...setAside]);
    }
    if (counted.length === 0) {
      const region = unit.region ? ` of the ${unit.region} region` : '';
      return notDocumented('imaging-no-other-cause', `No spine imaging${region} on record${setAsideNote(setAside)}`, setAside);
    }
    return met(
      `Spine imaging${unit.region ? ` of the ${unit.region} region` : ''} on record; neither its report nor the problem list names a fracture, tumour, infection or extraspinal lesion there`,
      [...counted.map(({ study, regions }) => ({ text: studyText(study, regions), reference: study.ref })), ...setAside],
    );
  },
});
