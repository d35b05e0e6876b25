/**
 * The national working-day calendar (region '000000').
 *
 * 2026: 国务院办公厅关于2026年部分节假日安排的通知. This data MUST be checked against the official
 * notice (www.gov.cn) before it is relied on; a wrong day moves every deadline near it.
 *
 * 2027: only 元旦 (1 January) is listed, because the day itself is fixed by statute
 * (全国年节及纪念日放假办法 art 2: 元旦放假1天，1月1日). The rest of the 2027 schedule (春节 etc.
 * and every 调休 day) is loaded by staff through the API (PUT /api/calendar/000000/days/:date, admin)
 * once the State Council publishes its notice for 2027.
 */
import type { CalendarEntry, CivilDate } from './calendar.js';
import { addCivilDays } from './calendar.js';

function off(first: CivilDate, last: CivilDate, name: string): CalendarEntry[] {
  const out: CalendarEntry[] = [];
  for (let d = first; d <= last; d = addCivilDays(d, 1)) out.push({ date: d, kind: 'holiday', name });
  return out;
}

const worked = (date: CivilDate, name: string): CalendarEntry => ({ date, kind: 'workday', name });

export const CN_NATIONAL_CALENDAR: readonly CalendarEntry[] = Object.freeze([
  // 2026
  ...off('2026-01-01', '2026-01-03', '元旦'),
  worked('2026-01-04', '元旦调休上班'), // Sunday
  worked('2026-02-14', '春节调休上班'), // Saturday
  ...off('2026-02-15', '2026-02-23', '春节'),
  worked('2026-02-28', '春节调休上班'), // Saturday
  ...off('2026-04-04', '2026-04-06', '清明节'),
  ...off('2026-05-01', '2026-05-05', '劳动节'),
  worked('2026-05-09', '劳动节调休上班'), // Saturday
  ...off('2026-06-19', '2026-06-21', '端午节'),
  worked('2026-09-20', '国庆节调休上班'), // Sunday
  ...off('2026-09-25', '2026-09-27', '中秋节'),
  ...off('2026-10-01', '2026-10-07', '国庆节'),
  worked('2026-10-10', '国庆节调休上班'), // Saturday
  // 2027 (statutory day only; see above)
  ...off('2027-01-01', '2027-01-01', '元旦'),
]);
