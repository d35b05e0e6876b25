import { z } from 'zod';
import { ChairVoteRequest, ComplianceVoteRequest, CorrectionAnswer, ExplanationAnswer, MemberParams, MoreTimeRequest, ReplaceMemberRequest, ScoresRequest, SignatureRequest, SuspicionRequest } from '../../../contracts/evaluation.js';
import { IdParams } from '../../../contracts/values.js';
import { AUTHENTICATED, roles, route, type RouteSpec } from '../../kernel/http.js';
import type { EvaluationService } from './service.js';

export function evaluationRoutes(evaluation: EvaluationService): RouteSpec[] {
  const body = z.strictObject({});
  return [
    route({ method: 'post', path: '/api/trades/:id/evaluation/start', guard: roles('admin', 'center_staff'), summary: 'Open the evaluation for the accepted committee', params: IdParams, body, status: 201, handle: ({ actor, params }) => evaluation.start(actor, params.id) }),
    route({ method: 'get', path: '/api/trades/:id/evaluation', guard: AUTHENTICATED, summary: 'The evaluation (members see their own votes and scores; the result once computed)', params: IdParams, handle: ({ actor, params }) => evaluation.view(actor, params.id) }),
    route({ method: 'post', path: '/api/trades/:id/evaluation/chair', guard: roles('expert'), summary: 'Vote for the chair', params: IdParams, body: ChairVoteRequest, handle: ({ actor, params, body: b }) => evaluation.voteChair(actor, params.id, b.userId) }),
    route({ method: 'post', path: '/api/trades/:id/evaluation/compliance', guard: roles('expert'), summary: 'Vote on one compliance check of one bid (a rejection with its reason)', params: IdParams, body: ComplianceVoteRequest, handle: ({ actor, params, body: b }) => evaluation.voteCompliance(actor, params.id, b.bidId, b.check, b.pass, b.reason) }),
    route({ method: 'post', path: '/api/trades/:id/evaluation/compliance/close', guard: roles('expert'), summary: 'The chair closes the compliance review (majority decisions)', params: IdParams, body, handle: ({ actor, params }) => evaluation.closeReview(actor, params.id) }),
    route({ method: 'put', path: '/api/trades/:id/evaluation/scores', guard: roles('expert'), summary: 'Save draft scores (private until submitted)', params: IdParams, body: ScoresRequest, handle: ({ actor, params, body: b }) => evaluation.saveScores(actor, params.id, b.scores) }),
    route({ method: 'post', path: '/api/trades/:id/evaluation/scores/submit', guard: roles('expert'), summary: 'Submit and lock your scores (the last one computes the result)', params: IdParams, body, handle: ({ actor, params }) => evaluation.submitScores(actor, params.id) }),
    route({ method: 'post', path: '/api/trades/:id/evaluation/report', guard: roles('expert'), summary: 'The chair writes the report (its SHA-256 is what members sign)', params: IdParams, body, handle: ({ actor, params }) => evaluation.writeReport(actor, params.id) }),
    route({ method: 'post', path: '/api/trades/:id/evaluation/signatures', guard: roles('expert'), summary: 'Sign the report (CMS over its SHA-256) or refuse with a reason', params: IdParams, body: SignatureRequest, handle: ({ actor, params, body: b }) => evaluation.sign(actor, params.id, b) }),
    route({ method: 'post', path: '/api/trades/:id/evaluation/more-time', guard: roles('expert'), summary: 'Ask for more time (more than a third of the members extends the evaluation)', params: IdParams, body: MoreTimeRequest, handle: ({ actor, params, body: b }) => evaluation.requestMoreTime(actor, params.id, b.reason) }),
    route({ method: 'post', path: '/api/trades/:id/evaluation/suspicions', guard: roles('expert'), summary: 'Suspect a below-cost price (a majority asks the bidder for a written explanation)', params: IdParams, body: SuspicionRequest, handle: ({ actor, params, body: b }) => evaluation.suspectLowPrice(actor, params.id, b.bidId) }),
    route({ method: 'get', path: '/api/trades/:id/evaluation/explanation', guard: roles('bidder'), summary: 'The written explanation asked of your organisation, if any', params: IdParams, handle: ({ actor, params }) => evaluation.myExplanation(actor, params.id) }),
    route({ method: 'post', path: '/api/trades/:id/evaluation/explanation', guard: roles('bidder'), summary: 'Answer the committee’s request for a written explanation of your price', params: IdParams, body: ExplanationAnswer, handle: ({ actor, params, body: b }) => evaluation.answerExplanation(actor, params.id, b.answer) }),
    route({ method: 'get', path: '/api/trades/:id/evaluation/correction', guard: roles('bidder'), summary: 'The arithmetic correction proposed to your organisation, if any', params: IdParams, handle: ({ actor, params }) => evaluation.myCorrection(actor, params.id) }),
    route({ method: 'post', path: '/api/trades/:id/evaluation/correction', guard: roles('bidder'), summary: 'Confirm the corrected price (binding) or refuse it (the bid is invalid)', params: IdParams, body: CorrectionAnswer, handle: ({ actor, params, body: b }) => evaluation.answerCorrection(actor, params.id, b.accept) }),
    route({ method: 'post', path: '/api/trades/:id/evaluation/members/:userId/replace', guard: roles('admin', 'center_staff'), summary: 'Replace a member mid-evaluation: their work is void and the next expert of the draw is invited', params: MemberParams, body: ReplaceMemberRequest, handle: ({ actor, params, body: b }) => evaluation.replaceMember(actor, params.id, params.userId, b.reason) }),
    route({
      method: 'get',
      path: '/api/trades/:id/evaluation/report.pdf',
      guard: AUTHENTICATED,
      summary: 'The evaluation report (评标报告) as a PDF',
      params: IdParams,
      handle: async ({ actor, params, res }) => {
        res.type('application/pdf').send(await evaluation.reportPdf(actor, params.id));
      },
    }),
  ];
}
