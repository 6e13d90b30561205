import type { Finding } from '../../../../src/decision/types';
import { SPINE_OTHER_CAUSES, met, notMet, otherCausesOnRecord, setAsideNote, studyText } from '../../../../src/kit';
import { criterion, notDocumented, outsideThoracic } from './define';

/**
 * I.A.1.c: imaging studies suggest no other obvious cause of the pain (fracture, tumour, infection,
 * extraspinal lesion: the kit's SPINE_OTHER_CAUSES). Spine imaging counts when it images the order's region (a whole-spine study, or one
 * whose region cannot be told, counts). Another cause is a current diagnosis of the region, a coded
 * conclusion, or the report's words read negation-aware, sentence by sentence: "pars defect with fracture
 * at L5" is a fracture, "no fracture or listhesis" is not, and "old T8 compression fracture" is set aside
 * for a lumbar block. The met line never quotes a report: a card must not cite a fracture as evidence
 * that there is none.
 */
export const imagingNoOtherCause = criterion('imaging-no-other-cause', {
  dependsOn: ['conditions', 'procedures', 'imagingReports'],
  pathways: ['diagnostic'],
  appliesTo: outsideThoracic,
  evaluate: (ctx): Finding => {
    const { unit } = ctx;
    const { causes, labels, setAside, studies } = otherCausesOnRecord(ctx, SPINE_OTHER_CAUSES);
    if (causes.length > 0) return notMet(`Another cause of the pain is on record (${labels.join(', ')})`, [...causes, ...setAside]);
    if (studies.length === 0) {
      const region = unit.region ? ` of the ${unit.region} region` : '';
      return notDocumented('imaging-no-other-cause', `No spine imaging${region} on record${setAsideNote(setAside)}`, setAside);
    }
    return met(
      `Spine imaging${unit.region ? ` of the ${unit.region} region` : ''} on record; neither its report nor the problem list names a fracture, tumour, infection or extraspinal lesion there`,
      [...studies.map(({ study, regions }) => ({ text: studyText(study, regions), reference: study.ref })), ...setAside],
    );
  },
});
