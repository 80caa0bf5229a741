"""The audit log as people read it: each action's Chinese name, what it acted on, and what it
changed as `字段：旧值 → 新值` lines, never raw JSON.

The log itself keeps the codes (`workstation.create`, `{"state": "referred"}`): they are what
the hash covers and what the API returns. The words live here, in one mapping per kind of
thing; an action, object or field without one shows as its code. The words for stored values
(a case's state, a role, a gender) are the ones their own parts show, read when a page is drawn.
`tests/test_audit_labels.py` fails when an action the code records has no name here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lianxin.audit.models import AuditEntry

SHANGHAI = ZoneInfo("Asia/Shanghai")

ACTIONS: dict[str, Any] = {
    # accounts and access
    "api_token.created": _l("创建 API 令牌"),
    "api_token.revoked": _l("吊销 API 令牌"),
    "membership.granted": _l("授予角色"),
    "membership.revoked": _l("撤销角色"),
    "user.channels_changed": _l("修改消息接收方式"),
    "user.deactivated": _l("停用账号"),
    "user.reactivated": _l("恢复账号"),
    "user.login_backoff": _l("多次登录失败，暂停登录"),
    "user.password_changed": _l("修改密码"),
    "user.setup_completed": _l("完成账号设置"),
    "user.setup_link_issued": _l("发放账号设置链接"),
    # counties, townships, modules
    "county.created": _l("新建县（区）"),
    "county.module_defaults_changed": _l("修改模块的县级默认设置"),
    "county.comparison_settings_changed": _l("修改乡镇比较设置"),
    "county.comparison_exported": _l("导出乡镇比较"),
    "county.rollups_refresh_requested": _l("要求重新统计"),
    "county.drill_down": _l("县级查看乡镇（只读）"),
    "township.onboarded": _l("开通乡镇"),
    "township.suspended": _l("暂停乡镇"),
    "township.reactivated": _l("恢复乡镇"),
    "township.labels_changed": _l("修改称谓"),
    "outbox.replayed": _l("重新发送死信"),
    "audit.checked": _l("立即核验审计日志"),
    "township.export_requested": _l("要求导出乡镇数据"),
    "township.exported": _l("导出乡镇数据"),
    "township.export_downloaded": _l("下载乡镇数据导出"),
    # a person's rights and retention (lianxin.privacy)
    "privacy.exported": _l("导出个人信息"),
    "privacy.representative_anonymised": _l("匿名化原代表的个人信息"),
    "privacy.submitter_erased": _l("删除群众的姓名和号码"),
    "privacy.retention_purged": _l("到期清除群众联系方式"),
    "module.switched": _l("开通或关闭模块"),
    "module.settings_changed": _l("修改模块设置"),
    "branch.created": _l("新建支部"),
    "branch.updated": _l("修改支部"),
    "work_calendar.loaded": _l("载入全国工作日历"),
    "work_calendar.local_holiday_added": _l("新增地方假日"),
    "work_calendar.local_holiday_removed": _l("删除地方假日"),
    # people
    "representative.created": _l("新增代表"),
    "representative.updated": _l("修改代表信息"),
    "representative.imported": _l("导入代表名册"),
    "representative.exported": _l("导出代表名册"),
    "representative.photo_set": _l("上传代表照片"),
    "representative.account_linked": _l("关联代表账号"),
    "representative.qualification_ended": _l("终止代表资格"),
    "group.created": _l("新建代表小组"),
    "group.updated": _l("修改代表小组"),
    "group.member_assigned": _l("调整小组成员"),
    "group.member_removed": _l("移出代表小组"),
    "unit.created": _l("新增承办单位"),
    "unit.updated": _l("修改承办单位"),
    "party_member.saved": _l("保存党员信息"),
    "household.saved": _l("保存群众户信息"),
    # casework
    "case.register": _l("登记诉求"),
    "case.receive": _l("接待诉求"),
    "case.propose_handling": _l("提出拟办意见"),
    "case.sign_off": _l("代表签字确认"),
    "case.record_sign_off": _l("登记代表签字"),
    "case.send_on": _l("报送联络办"),
    "case.mark_inadmissible": _l("诉求不予受理"),
    "case.handle_on_spot": _l("当场答复诉求"),
    "case.refer": _l("交办诉求"),
    "case.escalate": _l("诉求上报县级"),
    "case.reply": _l("答复诉求"),
    "case.give_feedback": _l("向群众反馈"),
    "case.rate": _l("评价诉求办理"),
    "case.reassign": _l("再交办诉求"),
    "case.archive": _l("诉求归档"),
    "case.return_to_office": _l("退回诉求"),
    "case.request_extension": _l("申请延期"),
    "case.decide_extension": _l("审批延期"),
    "case.attach": _l("补充诉求材料"),
    "case.due_recomputed": _l("重新计算诉求期限"),
    "case.reissue_code": _l("补发诉求查询码"),
    "escalation.answered": _l("县级答复上报的诉求"),
    # workstations
    "workstation.create": _l("新建工作站"),
    "workstation.update": _l("修改工作站"),
    "workstation.representatives": _l("调整进站代表"),
    "workstation.shift_add": _l("新增值班"),
    "workstation.shift_swap": _l("换班"),
    "workstation.shift_substitute": _l("安排替班"),
    "workstation.shift_publish": _l("发布值班"),
    "workstation.roster_publish": _l("发布值班表"),
    "workstation.meeting_create": _l("登记约见活动"),
    "workstation.commitment_add": _l("登记承诺事项"),
    # inspections and research (视察调研)
    "inspection.plan": _l("拟定视察调研方案"),
    "inspection.team": _l("调整视察组"),
    "inspection.send_plan": _l("通报视察调研方案"),
    "inspection.cancel": _l("取消视察调研"),
    "inspection.findings": _l("记录视察调研情况"),
    "inspection.report": _l("撰写视察调研报告"),
    "inspection.attach": _l("上传视察调研材料"),
    "inspection.brief": _l("形成书面情况反映并交办"),
    "inspection.proposal": _l("据视察调研报告起草提案"),
    # reception days
    "reception_day.site_create": _l("新增接待点"),
    "reception_day.site_update": _l("修改接待点"),
    "reception_day.schedule_generate": _l("生成接待日安排"),
    "reception_day.schedule_publish": _l("发布接待日安排"),
    "reception_day.team": _l("调整接待代表"),
    "reception_day.move": _l("调整接待日日期"),
    "reception_day.absence": _l("登记代表不能到场"),
    "reception_day.substitute": _l("安排替补代表"),
    "reception_day.notice_published": _l("发布接待公告"),
    "reception_day.people_received": _l("登记接待人数"),
    "reception_day.summary": _l("登记接待日小结"),
    # proposals
    "proposal.create": _l("起草提案"),
    "proposal.submit": _l("提交提案"),
    "proposal.register_paper": _l("据纸质表登记提案"),
    "proposal.accept": _l("提案立案"),
    "proposal.reject": _l("提案不予立案"),
    "proposal.merge": _l("合并提案"),
    "proposal.convert": _l("提案转为建议意见"),
    "proposal.assign": _l("交办提案"),
    "proposal.return": _l("退回提案"),
    "proposal.extension": _l("审批提案延期"),
    "proposal.answer": _l("答复提案"),
    "proposal.answer_inquiry": _l("答复质询"),
    "proposal.rate": _l("评价提案答复"),
    "proposal.close": _l("提案办结"),
    "proposal.due_recomputed": _l("重新计算提案期限"),
    "proposal.publish": _l("公开提案及答复"),
    "proposal.unpublish": _l("取消公开提案"),
    "proposal.window_add": _l("新增提案征集期"),
    "proposal.window_delete": _l("删除提案征集期"),
    # annual sessions
    "annual_session.create": _l("新建年会"),
    "annual_session.document": _l("上传年会文件"),
    "annual_session.proposal_window": _l("开启年会提案征集"),
    "annual_session.item_propose": _l("提出年会议题"),
    "annual_session.item_decide": _l("审定年会议题"),
    "annual_session.agenda_fixed": _l("确定年会议程"),
    "annual_session.leave_request": _l("年会请假"),
    "annual_session.leave": _l("审批年会请假"),
    "annual_session.open": _l("年会开幕"),
    "annual_session.close": _l("年会闭幕"),
    "annual_session.report_archive": _l("归档年会会议报告"),
    "annual_session.vote_create": _l("发起表决"),
    "annual_session.vote_hands": _l("登记举手表决结果"),
    "annual_session.vote_paper": _l("登记纸质选票"),
    "annual_session.vote_close": _l("结束表决"),
    "annual_session.vote_recount": _l("重新计票"),
    "annual_session.observer_add": _l("登记年会列席人员"),
    "annual_session.observer_remove": _l("删除年会列席人员"),
    "annual_session.observer_check_in": _l("年会列席人员签到"),
    "by_election.create": _l("登记补选"),
    "by_election.step": _l("记录补选步骤"),
    "by_election.candidate": _l("补选报名"),
    "by_election.candidate_remove": _l("移除补选候选人"),
    "by_election.recommend": _l("记录补选推选结果"),
    "by_election.review": _l("审查补选候选人"),
    "by_election.open": _l("开始补选直选"),
    "by_election.link": _l("补发补选投票链接"),
    "by_election.count": _l("补选计票"),
    "by_election.announce": _l("发布补选结果公告"),
    "by_election.quotas": _l("修改补选结构名额"),
    "annual_session.resolution": _l("起草年会决议"),
    "annual_session.resolution_publish": _l("公布年会决议"),
    "annual_session.resolution_implementation": _l("登记决议落实情况"),
    # evaluations
    "evaluation.create": _l("新建评议"),
    "evaluation.form": _l("修改评议表"),
    "evaluation.subject": _l("新增评议对象"),
    "evaluation.report": _l("提交述职报告"),
    "evaluation.city_rep_filed": _l("市党代表履职报告列入年会文件"),
    "evaluation.open": _l("开始评议"),
    "evaluation.link": _l("重发评议链接"),
    "evaluation.codes": _l("生成满意度测评码"),
    "evaluation.remind": _l("发送评议提醒"),
    "evaluation.close": _l("结束评议"),
    "evaluation.results_read": _l("查看评议结果"),
    "evaluation.propose": _l("提出评议等次建议"),
    "evaluation.grade": _l("确定评议等次"),
    "evaluation.publish": _l("公布评议结果"),
    "evaluation.group": _l("设定评议小组"),
    "evaluation.notice": _l("发布评议预告"),
    "evaluation.guest": _l("添加其他评议人"),
    "evaluation.guest_remove": _l("移除其他评议人"),
    "evaluation.paper_hand_out": _l("登记领取纸质评议表"),
    "evaluation.paper_batch": _l("登记一批纸质评议表"),
    "evaluation.paper_entry": _l("录入纸质评议表"),
    "evaluation.paper_agreed": _l("纸质评议表两人录入一致并计入"),
    "evaluation.paper_reset": _l("清除纸质评议表录入"),
    "evaluation.opinion": _l("记录分管领导意见"),
    "evaluation.unfit_report": _l("不称职报告县委组织部"),
    # liaison chain
    "liaison.suggest": _l("生成联系安排建议"),
    "liaison.link.add": _l("新增联系关系"),
    "liaison.link.remove": _l("解除联系关系"),
    "liaison.branch.confirm": _l("支部确认联系名单"),
    "liaison.contact": _l("登记联系情况"),
    "liaison.meeting": _l("登记座谈会"),
    "liaison.report.submit": _l("提交联系情况报告"),
    "liaison.report.update": _l("修改联系情况报告"),
    # consultations
    "consultation.open": _l("发起征询意见"),
    "consultation.vote": _l("征询转为表决"),
    "consultation.link": _l("重新发送征询答复链接"),
    "consultation.answer": _l("代表答复征询"),
    "consultation.close": _l("截止征询"),
    "consultation.feedback": _l("反馈征询采纳情况"),
    "consultation.case": _l("征询意见转为诉求"),
    # briefings
    "briefing.create": _l("起草通报"),
    "briefing.update": _l("修改通报草稿"),
    "briefing.delete": _l("删除通报草稿"),
    "briefing.attach": _l("添加通报附件"),
    "briefing.detach": _l("移除通报附件"),
    "briefing.send": _l("发出通报"),
    "briefing.link": _l("生成通报阅读链接"),
    # group activities (代表小组活动)
    "group_activity.plan_add": _l("列入小组年度活动计划"),
    "group_activity.plan_remove": _l("删除小组年度活动计划"),
    "group_activity.record": _l("登记代表小组活动"),
    "group_activity.outcome": _l("登记小组活动成果"),
    "group_activity.outcome_case": _l("小组活动成果转为诉求"),
    "group_activity.outcome_proposal": _l("小组活动成果起草为建议草稿"),
    "group_activity.keeper_assign": _l("安排党委委员包联代表小组"),
    "group_activity.keeper_remove": _l("取消党委委员包联代表小组"),
    "group_activity.report": _l("提交小组书面联络报告"),
    "group_activity.reports_filed": _l("小组书面联络报告列入年会文件"),
    "group_activity.receptions_plan": _l("安排党委委员接待代表小组组长"),
    "group_activity.reception_reassign": _l("调整接待组长的党委委员"),
    "group_activity.reception_record": _l("记录党委委员接待组长情况"),
    "group_activity.visit_plan": _l("新建党委委员走访工作月安排"),
    "group_activity.visit_add": _l("添加党委委员走访代表小组"),
    "group_activity.visit_remove": _l("删除党委委员走访代表小组"),
    "group_activity.visit_publish": _l("发布党委委员走访安排表"),
    "group_activity.visit_minutes": _l("记录并分发走访纪要"),
    # sitting in (列席)
    "sitting.meeting_plan": _l("安排列席会议"),
    "sitting.invite": _l("邀请代表列席"),
    "sitting.answer": _l("答复列席邀请"),
    "sitting.attendance": _l("登记列席出席情况"),
    "sitting.suggestion": _l("登记列席代表意见建议"),
    "sitting.suggestion_case": _l("列席代表意见转为诉求"),
    "sitting.suggestion_answer": _l("书面答复列席代表意见"),
    # training (学习培训)
    "training.schedule": _l("安排学习培训"),
    "training.answer": _l("答复学习培训通知"),
    "training.leave_decide": _l("审批培训请假"),
    "training.check_in": _l("学习培训签到"),
    "training.check_in_undo": _l("撤销学习培训签到"),
    "training.self_check_in": _l("代表扫码签到学习培训"),
    "training.print_code": _l("生成学习培训纸质签到码"),
    "training.update": _l("修改学习培训"),
    "training.cancel": _l("取消学习培训"),
    # the duty record (履职档案)
    "duty_records.formula_changed": _l("修改履职积分办法"),
    "duty_records.step_recorded": _l("记录履职不足的处理步骤"),
    # public commitments (公开承诺)
    "commitment.create": _l("登记公开承诺"),
    "commitment.revise": _l("修改公开承诺"),
    "commitment.approve": _l("审核公开承诺"),
    "commitment.return": _l("退回公开承诺"),
    "commitment.progress": _l("报告承诺进展"),
    "commitment.close": _l("评定承诺兑现情况"),
    # awards (评先, 四十佳)
    "award.adopt": _l("标记被党委政府采纳"),
    "award.unadopt": _l("取消采纳标记"),
    "award.selection_open": _l("开启县级评选"),
    "award.candidates_gathered": _l("按年度统计生成候选名单"),
    "award.selection_choosing": _l("确定候选名单"),
    "award.choose": _l("评选先进"),
    "award.unchoose": _l("撤回评选的先进"),
    "award.selection_close": _l("公布评选结果"),
    "award.nominate": _l("推荐参评意见建议"),
    "award.withdraw": _l("撤回参评推荐"),
}

TARGETS: dict[str, Any] = {
    "duty_formula": _l("履职积分办法"),
    "duty_step": _l("履职不足的处理步骤"),
    "award_adoption": _l("采纳记录"),
    "award_candidate": _l("评选候选对象"),
    "award_selection": _l("县级评选"),
    "group_activity": _l("代表小组活动"),
    "group_reception": _l("党委委员接待组长"),
    "group_visit": _l("党委委员走访代表小组"),
    "group_visit_plan": _l("走访工作月安排"),
    "group_outcome": _l("小组活动成果"),
    "group_plan_item": _l("小组年度活动计划"),
    "group_report": _l("小组书面联络报告"),
    "group_keeper": _l("党委委员包组"),
    "dead_letter": _l("死信"),
    "submitter": _l("提交诉求的群众"),
    "annual_session": _l("年会"),
    "annual_session_item": _l("年会议题"),
    "annual_session_observer": _l("年会列席人员"),
    "annual_session_resolution": _l("年会决议"),
    "annual_session_vote": _l("表决"),
    "api_token": _l("API 令牌"),
    "branch": _l("支部"),
    "briefing": _l("通报"),
    "case": _l("诉求"),
    "county": _l("县（区）"),
    "county_job": _l("县级任务"),
    "escalation": _l("上报事项"),
    "evaluation_campaign": _l("评议"),
    "evaluation_rater": _l("评议人"),
    "evaluation_subject": _l("评议对象"),
    "evaluation_paper_batch": _l("纸质评议表"),
    "group": _l("代表小组"),
    "household": _l("群众户"),
    "import": _l("导入"),
    "inspection": _l("视察调研"),
    "liaison_contact": _l("联系记录"),
    "liaison_link": _l("联系关系"),
    "liaison_meeting": _l("座谈会"),
    "liaison_report": _l("联系情况报告"),
    "liaison_year": _l("联系年度"),
    "consultation": _l("征询意见"),
    "membership": _l("角色"),
    "party_member": _l("党员"),
    "proposal": _l("提案"),
    "proposal_assignment": _l("提案交办"),
    "proposal_window": _l("提案征集期"),
    "reception_day": _l("接待日"),
    "reception_duty": _l("接待安排"),
    "reception_schedule": _l("接待日安排"),
    "reception_site": _l("接待点"),
    "representative": _l("代表"),
    "roster": _l("值班表"),
    "sitting_invitation": _l("列席邀请"),
    "sitting_meeting": _l("列席会议"),
    "sitting_suggestion": _l("列席代表意见建议"),
    "training_invitation": _l("参训通知"),
    "training_session": _l("学习培训"),
    "commitment": _l("公开承诺"),
    "commitment_progress": _l("承诺进展"),
    "township": _l("乡镇"),
    "township_module": _l("模块"),
    "unit": _l("承办单位"),
    "user": _l("用户"),
    "work_calendar_day": _l("工作日历日期"),
    "work_calendar_year": _l("工作日历年度"),
    "workstation": _l("工作站"),
    "by_election": _l("补选"),
    "workstation_commitment": _l("承诺事项"),
    "workstation_meeting": _l("约见活动"),
    "workstation_shift": _l("值班"),
}

FIELDS: dict[str, Any] = {
    # 立即核验 (audit.checked)
    "chains": _l("核验的链数"),
    "verified": _l("核验通过的链数"),
    "broken": _l("发现断裂"),
    # the duty record (履职档案): an escalation step
    "steps": _l("已记录的步骤"),
    "taken_on": _l("日期"),
    "score": _l("履职积分"),
    # awards (评先, 四十佳)
    "item_id": _l("事项编号"),
    "adopted_by": _l("采纳单位"),
    "adopted_on": _l("采纳日期"),
    "note": _l("说明"),
    "quota_representative": _l("十佳党代表名额"),
    "quota_station": _l("十佳工作站名额"),
    "quota_suggestion": _l("十佳意见建议名额"),
    "quota_unit": _l("十佳承办单位名额"),
    "metric_representative": _l("党代表排序指标"),
    "metric_station": _l("工作站排序指标"),
    "metric_unit": _l("承办单位排序指标"),
    "station": _l("工作站"),
    "suggestion": _l("意见建议"),
    "winners_representative": _l("当选党代表数"),
    "winners_station": _l("当选工作站数"),
    "winners_suggestion": _l("当选意见建议数"),
    "winners_unit": _l("当选承办单位数"),
    "name_pinyin": _l("姓名拼音"),
    "name_initials": _l("拼音首字母"),
    "created_at": _l("创建时间"),
    "updated_at": _l("更新时间"),
    "commitment_id": _l("承诺"),
    "username": _l("用户名"),
    "display_name": _l("显示名称"),
    "last_login_at": _l("最近登录"),
    "error": _l("错误"),
    "attempts": _l("尝试次数"),
    "outbox_id": _l("消息编号"),
    # lianxin.privacy
    "account_disabled": _l("停用账号"),
    "account_id": _l("账号编号"),
    # consultations
    "mode": _l("方式"),
    "deadline": _l("截止日期"),
    "invitees": _l("征询代表人数"),
    "parent_id": _l("原征询事项"),
    "invitee_id": _l("征询对象编号"),
    "stance": _l("态度"),
    "outcome": _l("采纳情况"),
    "case_id": _l("诉求编号"),
    "archived_before": _l("归档早于"),
    "case_ids": _l("诉求编号"),
    "cases_cleared": _l("清除联系方式的诉求数"),
    "copies_renamed": _l("更新的姓名副本数"),
    "memberships_removed": _l("撤销的角色数"),
    "photo_removed": _l("删除照片"),
    "messages": _l("清除号码的消息数"),
    "messages_scrubbed": _l("清除号码的消息数"),
    "months": _l("保存月数"),
    "tables": _l("涉及的数据表"),
    "accept": _l("同意"),
    "admin": _l("管理员"),
    "answer": _l("答复"),
    "answer_batch": _l("答复批次"),
    "answered_on": _l("答复日期"),
    "api_tokens_revoked": _l("吊销的 API 令牌数"),
    "approve": _l("同意"),
    "approved": _l("已同意"),
    "batch": _l("批次"),
    "behind": _l("未达要求"),
    "birth_date": _l("出生日期"),
    "branch_id": _l("支部编号"),
    "by_office": _l("办公室代为登记"),
    "by_state": _l("各状态件数"),
    "calendar_estimated": _l("按估算的工作日历"),
    "calendar_year": _l("日历年度"),
    "came": _l("到会人数"),
    "cannot_evaluate": _l("无法评价"),
    "cases": _l("诉求件数"),
    "category": _l("代表类别"),
    "channel": _l("来源渠道"),
    "from_paper": _l("据纸质表登记"),
    "paper_form_on": _l("纸质表日期"),
    "co": _l("协办单位"),
    "committee_user_id": _l("党委委员（用户编号）"),
    "contact_name": _l("联系人"),
    "count": _l("数量"),
    "created": _l("新建数"),
    "day": _l("日期"),
    "days": _l("天数"),
    "description": _l("说明"),
    "dimensions": _l("评议项目"),
    "due": _l("期限"),
    "due_estimated": _l("期限为估算"),
    "due_on": _l("办理期限"),
    "duty": _l("接待安排"),
    "education": _l("学历"),
    "email": _l("电子邮件"),
    "enabled": _l("开通"),
    "ended": _l("已结束"),
    "ended_note": _l("终止说明"),
    "ended_on": _l("终止日期"),
    "ended_reason": _l("终止原因"),
    "ends_on": _l("截止日期"),
    "ethnicity": _l("民族"),
    "expected": _l("应到人数"),
    "expires_at": _l("到期时间"),
    "closes_on": _l("截止日期"),
    "from": _l("起始日期"),
    "modules": _l("开通的模块"),
    "opens_on": _l("开始日期"),
    "to": _l("截止日期"),
    "file": _l("文件"),
    "file_id": _l("文件编号"),
    "filename": _l("文件名"),
    "first": _l("首日"),
    "full": _l("完整导出"),
    "gender": _l("性别"),
    "grade": _l("等次"),
    "group_id": _l("代表小组编号"),
    "month": _l("月份"),
    "topic": _l("主题"),
    "attended": _l("出席人数"),
    "session_id": _l("年会编号"),
    "late": _l("逾期"),
    "reports": _l("报告数"),
    "head_name": _l("户主"),
    "held_on": _l("举行日期"),
    "form": _l("形式"),
    "unit_ids": _l("单位"),
    "representative_ids": _l("代表"),
    "attended_ids": _l("实际参加的代表"),
    "unit_id": _l("承办单位"),
    "proposal_id": _l("提案编号"),
    "id": _l("编号"),
    "ids": _l("编号"),
    "ignored_rows": _l("跳过的行数"),
    "into": _l("并入"),
    "invited": _l("邀请人数"),
    "uninvited": _l("不再邀请人数"),
    "place": _l("地点"),
    "content": _l("内容"),
    "changed": _l("修改的内容"),
    "answers_reset": _l("须重新确认"),
    "audience_changed": _l("参训对象有变"),
    "half": _l("半天"),
    "printed_code": _l("用纸质签到码"),
    "leave_day": _l("请假日期"),
    "leave_half": _l("请假半天"),
    "member_before": _l("原党委委员"),
    "member": _l("党委委员"),
    "plan": _l("走访安排"),
    "group": _l("代表小组"),
    "published_on": _l("发布日期"),
    "visits": _l("走访次数"),
    "circulated": _l("纪要发送人数"),
    "starts_on": _l("开始日期"),
    "leave": _l("请假"),
    "is_active": _l("启用"),
    "is_county_rep": _l("县党代表"),
    "is_grassroots_cadre": _l("基层干部"),
    "is_township_rep": _l("乡镇党代表"),
    "items": _l("议题"),
    "session": _l("会议编号"),
    "kept_share": _l("落实比例"),
    "kind": _l("类型"),
    "lead": _l("主办单位"),
    "level": _l("层级"),
    "link_id": _l("联系关系编号"),
    "links": _l("联系关系数"),
    "links_due": _l("应联系数"),
    "links_kept": _l("已联系数"),
    "meetings_due": _l("应开座谈会"),
    "meetings_held": _l("已开座谈会"),
    "method": _l("方式"),
    "min_answers": _l("最少答卷数"),
    "group_leader": _l("评议小组组长"),
    "group_members": _l("评议小组成员"),
    "leader_name": _l("分管领导"),
    "notified": _l("通知人数"),
    "offline": _l("无账号的评议对象数"),
    "sent_on": _l("发出日期"),
    "forms": _l("份数"),
    "county_admins": _l("报告县委组织部人数"),
    "min_count": _l("最少人数"),
    "missing": _l("缺项"),
    "name": _l("名称"),
    "not_kept": _l("未联系数"),
    "number": _l("编号"),
    "off_days": _l("休息日"),
    "on": _l("日期"),
    "pair": _l("联系对象"),
    "people": _l("人数"),
    "people_received": _l("接待人数"),
    "period": _l("期间"),
    "phone": _l("电话"),
    "photo_file_id": _l("照片文件编号"),
    "post": _l("职务"),
    "prefix": _l("令牌前缀"),
    "present": _l("到会"),
    "proposal": _l("提案"),
    "proposed": _l("建议"),
    "proposer": _l("提出人"),
    "public": _l("公开"),
    "publish_contact": _l("公开联系方式"),
    "published": _l("已发布"),
    "quarter": _l("季度"),
    "raters": _l("评议人数"),
    "rating": _l("评价"),
    "read_only": _l("只读"),
    "reason": _l("原因"),
    "recomputed": _l("重新计算数"),
    "rep": _l("代表编号"),
    "replaces_document_id": _l("取代的年会文件编号"),
    "report_due": _l("应交报告"),
    "report_in": _l("已交报告"),
    "reports_due": _l("应交报告数"),
    "reports_in": _l("已交报告数"),
    "representative": _l("代表编号"),
    "representative_id": _l("代表编号"),
    "representatives": _l("代表"),
    "resolution": _l("决议"),
    "role": _l("角色"),
    "rows": _l("行数"),
    "rule": _l("规则"),
    "secretary_name": _l("支部书记"),
    "shape": _l("评议类型"),
    "short": _l("人数不足的场次"),
    "short_notice_reason": _l("临时调整的原因"),
    "signers": _l("联名代表"),
    "author_id": _l("领衔代表"),
    "site": _l("接待点"),
    "sites": _l("接待点"),
    "slug": _l("网址标识"),
    "sms": _l("短信"),
    "source": _l("来源"),
    "state": _l("状态"),
    "status": _l("状态"),
    "subject": _l("评议对象"),
    "subjects": _l("评议对象"),
    "suggested": _l("建议数"),
    "tenant_id": _l("乡镇编号"),
    "term": _l("届次"),
    "title": _l("标题"),
    "township": _l("乡镇"),
    "unit": _l("承办单位"),
    "updated": _l("更新数"),
    "user_id": _l("用户编号"),
    "wecom": _l("企业微信"),
    "wecom_userid": _l("企业微信账号"),
    "window": _l("征集期"),
    "working": _l("上班"),
    "working_days": _l("工作日数"),
    "workplace": _l("工作单位"),
    "year": _l("年度"),
    "audience": _l("通报对象"),
    "corrects_id": _l("更正的通报"),
    "recipients": _l("通报人数"),
    "read_days": _l("阅读期限（天）"),
    "remind_on": _l("提醒日期"),
    "seats": _l("应选名额"),
    "step": _l("步骤"),
    "passed": _l("审查通过"),
    "voters": _l("选民人数"),
    "candidates": _l("候选人数"),
    "margin_percent": _l("差额幅度（%）"),
    "voter_id": _l("选民编号"),
    "ballots": _l("选票数"),
    "withheld": _l("未计票"),
    "elected": _l("当选人数"),
    "quotas": _l("结构名额（至少）"),
}

# Stored values without a label in their own part.
_STATUS = {
    "active": _l("正常"),
    "suspended": _l("已暂停"),
    "on_duty": _l("到岗"),
    "absent": _l("不能到场"),
    "open": _l("待答复"),
    "answered": _l("已答复"),
}
_DAY_COUNT = {"calendar": _l("自然日"), "working": _l("工作日")}
_PROPOSER = {
    "committee": _l("党委提出"),
    "group": _l("代表小组提出"),
    "representatives": _l("代表联名提出"),
}
# A mapping whose keys are codes of another field: {"by_state": {"received": 1}}.
KEYS_OF: dict[str, tuple[str, str | None]] = {
    "by_state": ("state", "case"),
    "created": ("level", "liaison"),
    "quotas": ("quota", "by_election"),
}
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")


def action_label(code: str) -> str:
    """The action's Chinese name; an action without one, as its code."""
    known = ACTIONS.get(code)
    return str(known) if known is not None else code


# A field whose word depends on what it belongs to.
FIELDS_OF: dict[tuple[str, str], Any] = {
    ("duty_formula", "items"): _l("各项分值（每次分值、上限）"),
    ("duty_formula", "inactive_below"): _l("履职不足线"),
    ("duty_formula", "min_sample"): _l("排名的最少计分人数"),
    ("duty_formula", "term_first_year"): _l("换届年份"),
    ("duty_formula", "from_year"): _l("施行年份"),
    ("duty_step", "steps"): _l("已有步骤"),
    ("duty_step", "taken_on"): _l("日期"),
    ("duty_step", "score"): _l("得分"),
    ("award_selection", "representative"): _l("党代表候选数"),
    ("award_selection", "station"): _l("工作站候选数"),
    ("award_selection", "unit"): _l("承办单位候选数"),
    ("award_candidate", "name"): _l("名称"),
    ("representative", "name"): _l("姓名"),
    ("party_member", "name"): _l("姓名"),
    ("user", "name"): _l("姓名"),
    ("by_election", "name"): _l("候选人"),
    ("annual_session_observer", "name"): _l("姓名"),
    ("by_election", "channel"): _l("投票方式"),
}


def field_label(name: str, target_type: str | None = None) -> str:
    """A field's Chinese name (a module setting's by its label); an unknown one as it is."""
    known = FIELDS_OF.get((target_type or "", name)) or FIELDS.get(name)
    if known is None:
        known = _settings_words()[0].get(name)
    return str(known) if known is not None else name


def target_label(target_type: str | None, target_id: str | None) -> str:
    """`诉求 #12`; a module of a township (`5:proposals`) by the module's name."""
    if not target_type:
        return f"#{target_id}" if target_id else ""
    kind = str(TARGETS.get(target_type, target_type))
    if target_type == "township_module" and target_id and ":" in target_id:
        return f"{kind}：{_module_name(target_id.split(':', 1)[1])}"
    return f"{kind} #{target_id}" if target_id else kind


@dataclass(frozen=True)
class Change:
    """One changed field: `before` None when the entry has no old value (a creation)."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ReadableEntry:
    entry: AuditEntry
    action: str
    target: str
    changes: list[Change]

    def __getattr__(self, name: str) -> Any:  # seq, created_at, actor_name … as stored
        return getattr(self.entry, name)


def readable(entries: Iterable[AuditEntry]) -> list[ReadableEntry]:
    """The entries of a page, each with its words."""
    return [
        ReadableEntry(
            entry,
            action_label(entry.action),
            target_label(entry.target_type, entry.target_id),
            changes(entry.before, entry.after, entry.target_type),
        )
        for entry in entries
    ]


def changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, target_type: str | None
) -> list[Change]:
    """`字段：旧值 → 新值` per field that differs (every field of a creation or a removal)."""
    before, after = before or {}, after or {}
    names = [*before, *(k for k in after if k not in before)]
    out = []
    for name in names:
        old, new = before.get(name, _ABSENT), after.get(name, _ABSENT)
        if old == new:
            continue
        out.append(
            Change(
                field_label(name, target_type),
                None if old is _ABSENT else value_text(name, old, target_type),
                _("（无）") if new is _ABSENT else value_text(name, new, target_type),
            )
        )
    return out


_ABSENT = object()


def value_text(name: str, value: Any, target_type: str | None = None) -> str:
    """A stored value as people read it: labels for codes, 是/否, China time, lists joined."""
    if value is None or value == "":
        return _("空")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Mapping):
        keys = _value_labels(*KEYS_OF[name]) if name in KEYS_OF else {}
        return "；".join(
            f"{keys[k] if k in keys else field_label(str(k), target_type)}："
            f"{value_text(str(k), v, target_type)}"
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return "、".join(value_text(name, v, target_type) for v in value) or _("空")
    if isinstance(value, str):
        labels = _value_labels(name, target_type)
        if value in labels:
            return str(labels[value])
        choices = _settings_words()[1].get(name, {})
        if value in choices:
            return str(choices[value])
        if _ISO_TIME.match(value):
            return _china_time(value)
    return str(value)


def _china_time(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI)
    return moment.strftime("%Y-%m-%d %H:%M")


def _value_labels(name: str, target_type: str | None) -> Mapping[Any, Any]:
    """The words for a field's codes, from the part that owns them (read at drawing time:
    audit sits below every part, and each part keeps its own words)."""
    from lianxin.auth.roles import ROLE_LABELS
    from lianxin.casework import schemas as casework_words
    from lianxin.casework.states import STATE_LABELS as CASE_STATES
    from lianxin.people import choices

    if target_type == "inspection" and name in ("state", "form", "scale", "kind"):
        from lianxin.modules.inspections import service as inspections

        return {
            "state": inspections.STATE_LABELS,
            "form": inspections.FORM_LABELS,
            "scale": inspections.SCALE_LABELS,
            "kind": inspections.BRIEF_LABELS,
        }[name]
    if target_type == "consultation" and name in ("stance", "outcome", "state", "mode"):
        from lianxin.modules.consultations import service as consultations

        return {
            "stance": consultations.STANCE_LABELS,
            "outcome": consultations.OUTCOME_LABELS,
            "state": consultations.STATE_LABELS,
            "mode": consultations.MODE_LABELS,
        }[name]
    if target_type in ("training_session", "training_invitation") and name in (
        "kind",
        "answer",
        "leave",
        "audience",
        "half",
        "leave_half",
        "changed",
    ):
        from lianxin.modules.trainings import service as trainings

        if name == "changed":  # the names of the fields a change touched
            return {k: FIELDS.get(k, k) for k in trainings.EDITABLE}
        return {
            "kind": trainings.KIND_LABELS,
            "answer": trainings.ANSWER_LABELS,
            "leave": trainings.LEAVE_LABELS,
            "audience": trainings.AUDIENCE_LABELS,
            "half": trainings.HALF_LABELS,
            "leave_half": trainings.HALF_LABELS,
        }[name]
    if target_type == "group" and name == "kind":
        from lianxin.people.models import GroupKind

        return {GroupKind.AREA: _l("地域小组"), GroupKind.THEMATIC: _l("专业小组")}
    if target_type == "commitment" and name == "status":
        from lianxin.modules.commitments import service as commitments

        return commitments.STATUS_LABELS
    if target_type in ("award_adoption", "award_candidate", "award_selection") and name in (
        "kind",
        "adopted_by",
        "category",
        "state",
    ):
        from lianxin.awards import service as awards

        return {
            "kind": awards.KIND_LABELS,
            "adopted_by": awards.ADOPTED_BY_LABELS,
            "category": awards.CATEGORY_LABELS,
            "state": awards.STATE_LABELS,
        }[name]
    if target_type == "award_selection" and name.startswith("metric_"):
        # The figure each category is ranked by: the county's own words for it.
        from lianxin.awards import service as awards
        from lianxin.modules.registry import current_registry

        words: dict[Any, Any] = dict(awards.EXTRA_METRIC_LABELS)
        for _spec, metric_set in current_registry().metric_sets():
            words.update({metric.key: metric.label for metric in metric_set.metrics})
        return words
    if target_type == "duty_step" and name in ("step", "steps"):
        from lianxin.duty_records import service as duty_records

        return duty_records.STEP_LABELS
    if target_type in ("evaluation_campaign", "evaluation_paper_batch") and name in (
        "category",
        "kind",
    ):
        from lianxin.modules.evaluations import service as evaluations

        return {
            "category": evaluations.CATEGORY_LABELS,
            "kind": evaluations.SUBJECT_KIND_LABELS,
        }[name]
    if name == "state":
        if target_type == "proposal":
            from lianxin.modules.proposals.states import STATE_LABELS as PROPOSAL_STATES

            return PROPOSAL_STATES
        return CASE_STATES if target_type == "case" else {}
    if name == "status":
        return choices.STATUS if target_type == "representative" else _STATUS
    if name == "kind":
        return _kinds(target_type)
    tables: dict[str, Mapping[Any, Any]] = {
        "role": ROLE_LABELS,
        "channel": casework_words.CHANNEL_LABELS,
        "rating": casework_words.RATING_LABELS,
        "complexity": casework_words.COMPLEXITY_LABELS,
        "gender": choices.GENDER,
        "education": choices.EDUCATION,
        "category": choices.CATEGORY,
        "ended_reason": choices.END_REASON,
        "day_count": _DAY_COUNT,
    }
    if name in ("level", "method", "grade", "proposed", "shape"):
        tables.update(_module_words())
    if name in ("modules", "module"):
        return _module_names()
    if name == "proposer":
        return _PROPOSER
    if name == "answer" and target_type == "sitting_invitation":
        from lianxin.modules.sittings import service as sittings

        return sittings.ANSWER_LABELS
    if name == "quota" and target_type == "by_election":
        from lianxin.modules.by_elections.stages.quotas import QUOTA_LABELS

        return QUOTA_LABELS
    if name == "audience" and target_type == "briefing":
        from lianxin.modules.briefings import service as briefings

        return briefings.AUDIENCE_LABELS
    return tables.get(name, {})


def _kinds(target_type: str | None) -> Mapping[Any, Any]:
    if target_type == "branch":
        from lianxin.tenants.forms import BRANCH_KIND_LABELS

        return BRANCH_KIND_LABELS
    if target_type == "unit":
        from lianxin.people import choices

        return choices.UNIT_KIND
    if target_type == "proposal":
        from lianxin.modules.proposals.states import KIND_LABELS

        return KIND_LABELS
    if target_type == "workstation":
        from lianxin.modules.workstations import service as workstations

        return workstations.KIND_LABELS
    if target_type == "annual_session_observer":
        from lianxin.modules.annual_sessions import service as annual_sessions

        return annual_sessions.OBSERVER_KINDS
    if target_type == "workstation_meeting":
        from lianxin.modules.workstations import service as workstations

        return workstations.MEETING_LABELS
    if target_type == "reception_site":
        from lianxin.modules.reception_days import service as reception_days

        return reception_days.SITE_KIND_LABELS
    if target_type and target_type.startswith("liaison"):
        from lianxin.modules.liaison import service as liaison

        return liaison.KIND_LABELS
    if target_type == "sitting_meeting":
        from lianxin.modules.sittings import service as sittings

        return sittings.KIND_LABELS
    if target_type == "briefing":
        from lianxin.modules.briefings import service as briefings

        return briefings.KIND_LABELS
    if target_type == "consultation":
        from lianxin.modules.consultations import service as consultations

        return consultations.KIND_LABELS
    return {}


def _module_words() -> dict[str, Mapping[Any, Any]]:
    from lianxin.modules.evaluations import service as evaluations
    from lianxin.modules.liaison import service as liaison

    return {
        "level": liaison.LEVEL_LABELS,
        "method": liaison.METHOD_LABELS,
        "grade": evaluations.GRADE_LABELS,
        "proposed": evaluations.GRADE_LABELS,
        "shape": evaluations.SHAPE_LABELS,
    }


_SETTINGS: dict[int, tuple[Any, tuple[dict[str, Any], dict[str, dict[Any, Any]]]]] = {}


def _settings_words() -> tuple[dict[str, Any], dict[str, dict[Any, Any]]]:
    """Module settings' labels and their choices' labels, by the setting's name
    (module.settings_changed records settings by name); worked out once per registry."""
    from lianxin.modules.registry import current_registry

    try:
        registry = current_registry()
    except RuntimeError:  # outside an app
        return {}, {}
    known = _SETTINGS.get(id(registry))
    if known is None or known[0] is not registry:
        labels: dict[str, Any] = {}
        choices: dict[str, dict[Any, Any]] = {}
        for spec in registry.features():
            for name, fdef in spec.settings_fields():
                if "label" in fdef.metadata:
                    labels.setdefault(name, fdef.metadata["label"])
                declared = fdef.metadata.get("choices")
                if declared:
                    pairs = declared.items() if isinstance(declared, Mapping) else declared
                    choices.setdefault(name, {str(k): v for k, v in pairs})
        known = _SETTINGS[id(registry)] = (registry, (labels, choices))
    return known[1]


def _module_names() -> dict[str, str]:
    from lianxin.modules.registry import current_registry

    try:
        return {spec.key: str(spec.name) for spec in current_registry()}
    except RuntimeError:
        return {}


def _module_name(key: str) -> str:
    return _module_names().get(key, key)
